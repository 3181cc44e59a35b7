import EnvoiCore

/// A failure of the PostgreSQL store that is not the database's own (those are `PSQLError`s),
/// with a message an operator can act on. Never carries SQL text or secrets.
public struct PostgresStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The database holds no tenancy: it was never initialised.
        public static let notInitialised = Code("notInitialised")
        /// A row holds a value that Envoi never writes.
        public static let corrupt = Code("corrupt")
        /// The database was migrated by a newer Envoi than this one.
        public static let newerSchema = Code("newerSchema")
        /// No connection to the server: refused, timed out, or the host unknown.
        public static let unreachable = Code("unreachable")
        /// The server refused the user, its password or the database.
        public static let refused = Code("refused")
        /// The store was opened without what the operation needs.
        public static let unconfigured = Code("unconfigured")

        public var description: String { name }
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    static let notInitialised = PostgresStoreError(code: .notInitialised,
                                                   message: "the PostgreSQL database holds no tenancy: run `envoi init` against it")

    static let noDkimKeyCreator = PostgresStoreError(
        code: .unconfigured, message: "this PostgreSQL store was opened without a DKIM key generator (PostgresStore init's dkimKeys): it cannot create DKIM keys")

    static func corrupt(_ detail: String) -> PostgresStoreError {
        PostgresStoreError(code: .corrupt, message: "the PostgreSQL database holds a value Envoi never writes: \(detail)")
    }

    static func unreachable(_ url: DatabaseURL, _ detail: String) -> PostgresStoreError {
        PostgresStoreError(code: .unreachable, message: "cannot connect to PostgreSQL at \(url.host):\(url.port): \(detail)")
    }

    static func refused(_ url: DatabaseURL, _ detail: String) -> PostgresStoreError {
        PostgresStoreError(code: .refused, message: "PostgreSQL at \(url.host):\(url.port) \(detail)")
    }

    static func newerSchema(_ version: Int) -> PostgresStoreError {
        PostgresStoreError(code: .newerSchema,
                           message: "the PostgreSQL database is at schema version \(version), newer than this Envoi knows: upgrade Envoi")
    }
}
