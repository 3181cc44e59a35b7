import DkimService
import EnvoiCore
import EnvoiPostgres
import EnvoiStore
import Logging
import PostgresNIO

/// The shared PostgreSQL store as a command uses it: a connection pool for `database`, run for
/// as long as the command needs it, every failure to reach the server reported as a
/// `PostgresStoreError` that names the server (never its password).
struct PostgresSession {
    /// How long a command waits for the server to accept a connection: long enough for a server
    /// across a network, short enough that a wrong address fails while the operator waits.
    static let connectTimeout: Duration = .seconds(5)

    let url: DatabaseURL
    let client: PostgresClient
    let store: PostgresStore
    let logger: Logger

    /// A pool for the configured `database`, with a store over it sealing secrets under the data
    /// directory's master key (the same on every node). Nothing connects until `run`.
    /// - Parameter logger: the pool's own reports; a command's outcome is its one line, so the
    ///   CLI passes a logger at `.critical`, `serve` its own.
    init(_ url: DatabaseURL, configuration: EnvoiConfiguration, directory: DataDirectory, logger: Logger) throws {
        self.url = url
        self.logger = logger
        client = PostgresClient(configuration: .init(url, connectTimeout: Self.connectTimeout), backgroundLogger: logger)
        store = PostgresStore(client: client, logger: logger, masterKey: try directory.loadMasterKey(),
                              node: configuration.nodeName ?? PostgresStore.defaultNode,
                              softBounceLimit: configuration.delivery.softBounceLimit,
                              dkimKeys: DkimKeyGenerator(publishZone: configuration.dkimPublishZone))
    }

    /// A quiet logger for one-shot commands.
    static var commandLogger: Logger {
        var logger = Logger(label: "envoi.postgres")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `body` while the pool runs: the server is reached first (a wrong address, user,
    /// password or database fails at once), then the schema is brought up to date (`migrate`,
    /// idempotent and serialised across nodes). The pool stops when `body` returns or throws.
    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await PostgresStore.checkConnection(to: url, timeout: Self.connectTimeout, logger: logger)
        do {
            return try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask { [client] in await client.run(); return nil }
                defer { group.cancelAll() }
                // The first query may be asked before the pool's `run()` has begun, which the pool
                // serves all the same but reports as a warning: that one goes to a quiet logger.
                try await client.query("SELECT 1", logger: Self.commandLogger)
                try await store.migrate()
                return try await body()
            }
        } catch let error as PSQLError {
            throw PostgresStoreError(error, url)
        }
    }
}

extension GlobalOptions {
    /// Runs a command on the store the configuration names: `postgres` on the shared PostgreSQL
    /// database when `database` is set (the pool running for as long as it takes), `sqlite` on
    /// the data directory's database otherwise.
    func onStore<T: Sendable>(sqlite: (ControlPlaneStore) throws -> T, postgres: @Sendable (PostgresStore) async throws -> T) async throws -> T {
        let configuration = try resolve().configuration
        guard let url = configuration.database else { return try sqlite(try openStore()) }
        let session = try PostgresSession(url, configuration: configuration, directory: try configuration.nodeDataDirectory(),
                                          logger: PostgresSession.commandLogger)
        return try await session.run { try await postgres(session.store) }
    }
}
