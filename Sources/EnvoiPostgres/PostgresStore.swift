import Crypto
import EnvoiCore
import EnvoiSecrets
import Foundation
import Logging
import PostgresNIO

/// The store on PostgreSQL, so that several nodes can share one database: the same capabilities
/// of EnvoiCore as the SQLite store (EnvoiStore), over a `PostgresClient`.
///
/// Every call is `async` and runs on the client's event loops without blocking a thread; the
/// client itself must be running (`PostgresClient.run()`, a long-running service) for calls to
/// complete. The tables live in the connection's `search_path` (normally `public`), so that a
/// test can give each case a schema of its own.
public final class PostgresStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Seals DKIM private keys under the master key, as the SQLite store does: the same format
    /// and context, so a key's secret is never in clear in either database.
    let secrets: SecretBox
    /// The clock that stamps new rows (`time_created`), injected so that tests control it.
    let now: @Sendable () -> Date
    /// Consecutive soft bounces of one recipient that make a SOFTBOUNCE suppression
    /// (`delivery.soft_bounce_limit`), as in the SQLite store.
    public let softBounceLimit: Int
    /// The name of the node this store runs in, recorded with each lease it takes, so that on
    /// start-up it frees only its own (`releaseAllLeases`).
    public let node: String
    /// How the control plane's createDkim makes keys (DkimService's `DkimKeyGenerator`, which
    /// this module cannot import); nil in a store that only delivers, whose createDkim refuses.
    let dkimKeys: (any DkimKeyCreator)?

    /// The host name: the default node name, stable across restarts of a node on one host.
    public static var defaultNode: String { ProcessInfo.processInfo.hostName }

    /// A store over `client`, sealing secrets under `masterKey` (the data directory's, as the
    /// SQLite store's); call `migrate()` before anything else.
    ///
    /// `node` names this node among those sharing the database (the configured `node.name`, or
    /// the host name by default). It must stay the same across restarts of one node, which frees
    /// the leases its previous run held, and differ between nodes, which must not free each
    /// other's. `dkimKeys` makes the keys that the HTTPS API's createDkim stores.
    public init(client: PostgresClient, logger: Logger, masterKey: SymmetricKey, node: String = PostgresStore.defaultNode,
                now: @escaping @Sendable () -> Date = Date.init, softBounceLimit: Int = ControlPlaneDefaults.softBounceLimit,
                dkimKeys: (any DkimKeyCreator)? = nil) {
        self.dkimKeys = dkimKeys
        self.client = client
        self.logger = logger
        self.secrets = SecretBox(masterKey: masterKey)
        self.node = node
        self.now = now
        self.softBounceLimit = max(1, softBounceLimit)
    }

    /// Records the tenancy whose suppression list this database holds (its `compartmentId`) and
    /// its send limits; a database already initialised keeps the tenancy and limits it has.
    /// Returns the tenancy in force.
    @discardableResult
    public func initialise(tenancy: OCID, name: String = ControlPlaneDefaults.tenancyName, limits: SendLimits = .default) async throws -> OCID {
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO tenancy (id, name, time_created, messages_per_minute, messages_per_day, max_message_size)
                SELECT \(tenancy.rawValue), \(name), \(now()), \(limits.messagesPerMinute), \(limits.messagesPerDay), \(limits.maxMessageSize)
                WHERE NOT EXISTS (SELECT 1 FROM tenancy)
                """, logger: logger)
            return try await Self.tenancy(connection, logger)
        }
    }

    /// Runs `body` in one transaction on one connection of the pool: committed when it returns,
    /// rolled back when it throws. The error it threw is rethrown as it is (a `ControlPlaneError`
    /// stays one), unlike `PostgresClient.withTransaction`, which wraps it.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                // A failed ROLLBACK leaves a broken connection, which the pool closes; the
                // original error is the one worth reporting.
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The tenancy id, or `notInitialised`.
    static func tenancy(_ connection: PostgresConnection, _ logger: Logger) async throws -> OCID {
        let rows = try await connection.query("SELECT id FROM tenancy LIMIT 1", logger: logger).collect()
        guard let row = rows.first else { throw PostgresStoreError.notInitialised }
        return try ocid(row.decode(String.self))
    }

    /// An id read back from the database.
    static func ocid(_ text: String) throws -> OCID {
        guard let id = OCID(text) else { throw PostgresStoreError.corrupt("'\(text)' is not an OCID") }
        return id
    }
}
