import EnvoiCore
import EnvoiPostgres
import EnvoiStore
import Logging
import PostgresNIO

extension InitCommand {
    /// How long `init` waits for the PostgreSQL server to accept a connection: long enough for a
    /// server across a network, short enough that a wrong address fails while the operator waits.
    static let connectTimeout: Duration = .seconds(5)

    /// Migrates the database at `url` and makes the tenancy and its administrators there
    /// (`PostgresStore.bootstrap`); the data directory holds only the master key (which seals
    /// the DKIM keys in the shared database, hence the same on every node) and the certificate.
    func initialisePostgres(_ url: DatabaseURL, directory: DataDirectory, createdMasterKey: Bool) async throws -> Summary {
        var logger = Logger(label: "envoi.init")
        // The command's outcome is its one line (or its summary); the pool's own reports of a
        // failed connection would repeat it.
        logger.logLevel = .critical
        try await PostgresStore.checkConnection(to: url, timeout: Self.connectTimeout, logger: logger)
        let client = PostgresClient(configuration: .init(url, connectTimeout: Self.connectTimeout), backgroundLogger: logger)
        let store = PostgresStore(client: client, logger: logger, masterKey: try directory.loadMasterKey())
        let bootstrap: PostgresStore.Bootstrap
        do {
            bootstrap = try await withThrowingTaskGroup(of: PostgresStore.Bootstrap?.self) { group in
                // The pool runs only while `init` needs it: cancelled once the work is done.
                group.addTask { await client.run(); return nil }
                defer { group.cancelAll() }
                try await store.migrate()
                return try await store.bootstrap()
            }
        } catch let error as PSQLError {
            throw PostgresStoreError(error, url)
        }
        return Summary(dataDirectory: directory.path, database: url.description, certificate: directory.certificatePath,
                       tenancyId: bootstrap.tenancy.rawValue, rootCompartmentId: bootstrap.tenancy.rawValue,
                       adminUserId: bootstrap.adminUser.rawValue, adminGroupId: bootstrap.adminGroup.rawValue,
                       created: bootstrap.created || createdMasterKey)
    }
}
