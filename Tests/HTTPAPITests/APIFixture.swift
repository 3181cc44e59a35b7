import _CryptoExtras
import Crypto
import DkimService
import EnvoiCore
@testable import EnvoiStore
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

/// A store in a temporary directory, its running queue writer, the router over them, and an API
/// key of the `admin` user that `init` made (who may manage email in the whole tenancy).
final class APIFixture: @unchecked Sendable {
    let root: String
    let store: ControlPlaneStore
    let writer: QueueWriter
    let intake: StoreMessageIntake
    let backend: StoreControlPlane
    let bootstrap: ControlPlaneStore.Bootstrap
    let adminKey: Signer
    private let writerTask: Task<Void, Never>
    let clock = ManualSeconds()

    /// One RSA key for the whole test run: generating 2048-bit keys is slow.
    static let adminPrivateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let otherPrivateKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    init(requestsPerSecond: Int = 1_000) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("envoi-api-\(UUID().uuidString)").path
        let directory = DataDirectory(path: root + "/data")
        _ = try directory.prepare()
        store = try ControlPlaneStore(directory: directory)
        bootstrap = try store.initialise()
        writer = try QueueWriter(store: store)
        intake = try StoreMessageIntake(store: store, writer: writer, hostname: "localhost", statistics: ServiceStatistics())
        backend = StoreControlPlane(store: store, dkimKeys: DkimKeyGenerator(publishZone: DomainName("dkim.envoi.test")!))
        let writer = self.writer
        writerTask = Task { await writer.run() }
        let key = try store.addApiKey(user: bootstrap.adminUser.id, publicKeyPEM: Self.adminPrivateKey.publicKey.pemRepresentation)
        adminKey = Signer(key: Self.adminPrivateKey, keyId: "\(bootstrap.tenancy.id)/\(bootstrap.adminUser.id)/\(key.fingerprint)")
        self.requestsPerSecond = requestsPerSecond
    }

    private let requestsPerSecond: Int

    deinit {
        writer.finish()
        try? FileManager.default.removeItem(atPath: root)
    }

    var tenancy: OCID { bootstrap.tenancy.id }

    func router(now: @escaping @Sendable () -> Date = Date.init) -> Router<APIRequestContext> {
        let clock = self.clock
        return HTTPAPI.router(configuration: HTTPAPIConfiguration(listen: HostPort(host: "127.0.0.1", port: 0), requestsPerSecond: requestsPerSecond,
                                                                  smtpSubmitEndpoint: { "127.0.0.1:2587" }),
                              intake: intake, backend: backend, now: now, clock: { clock.value })
    }

    /// Runs `body` with a test client of the router.
    func withClient<T: Sendable>(now: @escaping @Sendable () -> Date = Date.init, _ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        let app = Application(router: router(now: now))
        return try await app.test(.router) { client in try await body(client) }
    }

    /// A user in a group with `statement`, and a signer for a fresh API key of theirs.
    func user(named name: String, statement: String?) throws -> (User, Signer) {
        let user = try store.createUser(name: name)
        if let statement {
            let group = try store.createGroup(name: name + "-group")
            try store.addUser(user.id, toGroup: group.id)
            _ = try store.createPolicy(name: name + "-policy", statements: [statement.replacingOccurrences(of: "GROUP", with: name + "-group")])
        }
        let key = try store.addApiKey(user: user.id, publicKeyPEM: Self.otherPrivateKey.publicKey.pemRepresentation)
        return (user, Signer(key: Self.otherPrivateKey, keyId: "\(tenancy)/\(user.id)/\(key.fingerprint)"))
    }
}

/// Seconds on a clock the test moves by hand.
final class ManualSeconds: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds = 1_000.0
    var value: Double { lock.withLock { seconds } }
    func advance(by delta: Double) { lock.withLock { seconds += delta } }
}

/// Signs requests as the cloud SDK does (spec/OCI-API.md §7).
struct Signer: Sendable {
    let key: _RSA.Signing.PrivateKey
    let keyId: String

    /// The headers of a signed request to `target` (path and query) with `body`.
    func headers(_ method: HTTPRequest.Method, _ target: String, body: [UInt8]? = nil, date: Date = Date(),
                 contentType: String = "application/json", extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        let dateText = Self.httpDate(date)
        headers[.date] = dateText
        headers[.contentType] = contentType
        var lines = ["date: \(dateText)", "(request-target): \(method.rawValue.lowercased()) \(target)", "host: localhost"]
        var names = "date (request-target) host"
        if [.post, .put, .patch].contains(method) {
            let bytes = body ?? []
            let digest = Data(SHA256.hash(data: bytes)).base64EncodedString()
            headers[.contentLength] = String(bytes.count)
            headers[HTTPField.Name("x-content-sha256")!] = digest
            lines += ["content-length: \(bytes.count)", "content-type: \(contentType)", "x-content-sha256: \(digest)"]
            names += " content-length content-type x-content-sha256"
        }
        let signature = try! key.signature(for: Data(lines.joined(separator: "\n").utf8), padding: .insecurePKCS1v1_5)
        headers[.authorization] = "Signature algorithm=\"rsa-sha256\",headers=\"\(names)\",keyId=\"\(keyId)\",signature=\"\(signature.rawRepresentation.base64EncodedString())\",version=\"1\""
        return headers
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }
}

extension TestClientProtocol {
    /// Sends a request signed by `signer`, with a JSON body when `json` is given.
    func signed(_ signer: Signer, _ method: HTTPRequest.Method, _ target: String, json: String? = nil,
                extra: HTTPFields = [:]) async throws -> TestResponse {
        let body = json.map { Array($0.utf8) }
        return try await execute(uri: target, method: method, headers: signer.headers(method, target, body: body, extra: extra),
                                 body: body.map { ByteBuffer(bytes: $0) })
    }
}

extension TestResponse {
    /// The body as a JSON object (or array).
    var json: Any { (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) ?? [:] }
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    var array: [[String: Any]] { json as? [[String: Any]] ?? [] }
    var code: String? { object["code"] as? String }
    var message: String? { object["message"] as? String }
    var text: String { String(buffer: body) }
}
