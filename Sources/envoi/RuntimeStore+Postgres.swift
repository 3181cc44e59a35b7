import EnvoiCore
import EnvoiPostgres
import EnvoiStore
import Logging

extension RuntimeStore {
    /// The PostgreSQL database several nodes share (`database`). Every node runs every service
    /// over it: each commits what it accepts under the tenancy row's lock (limits hold across
    /// nodes), claims deliveries with leases in its own name (`node.name`), and records reports
    /// for messages any node sent. The periodic DKIM round and the event purge run on one node
    /// at a time; the live usage shown is the cluster's, read once a second.
    static func postgres(_ url: DatabaseURL, _ configuration: EnvoiConfiguration, directory: DataDirectory,
                         statistics: ServiceStatistics, logger: Logger) throws -> RuntimeStore {
        let session = try PostgresSession(url, configuration: configuration, directory: directory, logger: logger)
        let store = session.store
        let writer = PostgresQueueWriter(store: store, statistics: statistics, enforcesLimits: configuration.enforcesLimits)
        let usage = ClusterSendUsage(store: store)
        return RuntimeStore(
            intake: writer, writerLoop: writer.run, finishWriter: writer.finish, queue: store, reports: store, controlPlane: store,
            dkimChecks: store, console: store,
            dkimRound: { round in
                do {
                    return try await store.runExclusively(PostgresStore.dkimCheckJob) { await round() }
                } catch {
                    logger.warning("DKIM check round skipped: the job lock could not be taken", metadata: ["error": "\(error)"])
                    return nil
                }
            },
            usage: usage,
            refresh: {
                do { try await usage.refresh() } catch {
                    logger.debug("cluster usage not refreshed", metadata: ["error": "\(error)"])
                }
            },
            now: { writer.now() }, initialLimits: .default,
            withReadyStore: { body in try await session.run { try await body() } })
    }
}
