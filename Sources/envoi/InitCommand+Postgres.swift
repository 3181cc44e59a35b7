import EnvoiCore
import EnvoiPostgres
import EnvoiStore

extension InitCommand {
    /// Migrates the database at `url` and makes the tenancy and its administrators there
    /// (`PostgresStore.bootstrap`); the data directory holds only the master key (which seals
    /// the DKIM keys in the shared database, hence the same on every node) and the certificate.
    func initialisePostgres(_ url: DatabaseURL, configuration: EnvoiConfiguration, directory: DataDirectory,
                            createdMasterKey: Bool) async throws -> Summary {
        let session = try PostgresSession(url, configuration: configuration, directory: directory, logger: PostgresSession.commandLogger)
        let bootstrap = try await session.run { try await session.store.bootstrap() }
        return Summary(dataDirectory: directory.path, database: url.description, certificate: directory.certificatePath,
                       tenancyId: bootstrap.tenancy.rawValue, rootCompartmentId: bootstrap.tenancy.rawValue,
                       adminUserId: bootstrap.adminUser.rawValue, adminGroupId: bootstrap.adminGroup.rawValue,
                       created: bootstrap.created || createdMasterKey)
    }
}
