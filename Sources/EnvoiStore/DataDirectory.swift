import Crypto
import Foundation

/// The data directory: `envoi.sqlite` (the database), `master.key` (32 random bytes, mode 0600,
/// the key that seals secrets at rest) and `tls/` (the self-signed certificate). The directory
/// and `tls/` are mode 0700.
public struct DataDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public var databasePath: String { path + "/envoi.sqlite" }
    public var masterKeyPath: String { path + "/master.key" }
    public var certificatePath: String { path + "/tls/certificate.pem" }
    public var certificateKeyPath: String { path + "/tls/key.pem" }

    /// What `prepare` created, so that `envoi init` can say what it did.
    public struct Preparation: Sendable {
        public var createdDirectory = false
        public var createdMasterKey = false
        public var createdCertificate = false
    }

    /// Creates whatever is missing; leaves what exists untouched (idempotent).
    public func prepare() throws -> Preparation {
        var result = Preparation()
        result.createdDirectory = try Self.makeDirectory(path)
        if !FileManager.default.fileExists(atPath: masterKeyPath) {
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
            try Self.writeNew(masterKeyPath, key)
            result.createdMasterKey = true
        }
        _ = try Self.makeDirectory(path + "/tls")
        if !FileManager.default.fileExists(atPath: certificatePath) {
            let (certificate, key) = try SelfSignedCertificate.make()
            try Self.writeNew(certificateKeyPath, Data(key.utf8))
            try Self.writeNew(certificatePath, Data(certificate.utf8))
            result.createdCertificate = true
        }
        return result
    }

    /// True once `prepare` has run (the master key exists).
    public var isPrepared: Bool { FileManager.default.fileExists(atPath: masterKeyPath) }

    /// Reads the master key; refuses one that is not 32 bytes or is readable by others.
    public func loadMasterKey() throws -> SymmetricKey {
        guard isPrepared else { throw StoreError.notInitialised(path) }
        var info = stat()
        guard stat(masterKeyPath, &info) == 0 else { throw StoreError.io("cannot read \(masterKeyPath)") }
        guard info.st_mode & 0o077 == 0 else {
            throw StoreError.io("\(masterKeyPath) is readable by other users (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 on it")
        }
        guard let data = FileManager.default.contents(atPath: masterKeyPath), data.count == 32 else {
            throw StoreError.io("\(masterKeyPath) is damaged (expected 32 bytes)")
        }
        return SymmetricKey(data: data)
    }

    /// Creates `directory` with mode 0700 if it does not exist; true when created.
    static func makeDirectory(_ directory: String) throws -> Bool {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw StoreError.io("\(directory) exists and is not a directory") }
            return false
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError.io("cannot create directory \(directory): \(Self.reason(error))")
        }
        return true
    }

    /// Writes a new file with mode 0600 (created exclusively, then fsynced), never replacing one.
    static func writeNew(_ file: String, _ data: Data) throws {
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.io("cannot create \(file): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(descriptor) == 0 else {
            unlink(file)
            throw StoreError.io("cannot write \(file): \(String(cString: strerror(errno)))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}
