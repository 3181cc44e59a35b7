import GRDB

/// A storage failure, with a message an operator can act on. Never carries SQL text or secrets.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What failed.
    public struct Code: Hashable, Sendable {
        private let name: String
        private init(_ name: String) { self.name = name }
        public static let notInitialised = Code("notInitialised")
        public static let locked = Code("locked")
        public static let readOnly = Code("readOnly")
        public static let corrupt = Code("corrupt")
        public static let full = Code("full")
        public static let io = Code("io")
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    public static func notInitialised(_ directory: String) -> StoreError {
        StoreError(code: .notInitialised, message: "no Envoi data in \(directory): run `envoi init` first")
    }

    static func io(_ message: String) -> StoreError { StoreError(code: .io, message: message) }

    /// Translates an SQLite failure on `path` into a clear message; nil for errors that are
    /// not about the database file (constraint violations, which callers map themselves).
    static func translating(_ error: any Error, path: String) -> StoreError? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError(code: .locked, message: "database \(path) is locked by another process; try again when it is done")
        case .SQLITE_READONLY:
            return StoreError(code: .readOnly, message: "database \(path) is read-only: check the permissions of the file and its directory")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return StoreError(code: .corrupt, message: "database \(path) is corrupt or not an Envoi database; restore it from a backup")
        case .SQLITE_FULL:
            return StoreError(code: .full, message: "database \(path) cannot grow: the disk is full")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return StoreError(code: .readOnly, message: "database \(path) cannot be opened: check the permissions of the file and its directory")
        case .SQLITE_IOERR:
            return StoreError(code: .io, message: "database \(path): input/output error")
        default:
            return nil
        }
    }
}
