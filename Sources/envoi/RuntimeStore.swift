import DkimService
import EnvoiCore
import EnvoiIntake
import EnvoiStore
import Foundation
import HTTPAPI
import Logging
import ServiceLifecycle

/// The store a node runs on, and what each part of the runtime takes from it: the data
/// directory's SQLite database (the default), or the PostgreSQL database several nodes share
/// (`database`, `RuntimeStore+Postgres`). Everything above this — the listeners, the intake,
/// the delivery scheduler, the HTTPS API — is the same code on both.
struct RuntimeStore {
    /// The queue writer's group commit and the control-plane reads of the intake.
    let intake: any IntakeStore
    /// The queue writer's loop: runs until `finish` and then returns once what it took is written.
    let writerLoop: @Sendable () async -> Void
    let finishWriter: @Sendable () -> Void
    let queue: any DeliveryQueueStore
    let reports: any ReportStore
    let controlPlane: any ControlPlaneBackend
    let dkimChecks: any DkimCheckStore
    /// What the console's screens list (its changes go through `controlPlane`).
    let console: any ConsoleStore
    /// Runs a round of the periodic DKIM check: always on SQLite; on PostgreSQL when no other
    /// node is running one.
    let dkimRound: DkimChecker.RoundGuard
    /// Where the live statistics read the limit usage.
    let usage: any SendUsageSource
    /// Reads what the runtime shows but does not keep itself, once a second (PostgreSQL: the
    /// cluster's usage); nothing on SQLite.
    let refresh: @Sendable () async -> Void
    /// The store's clock.
    let now: @Sendable () -> Date
    /// The tenancy's limits as the intake starts with them (PostgreSQL: the defaults, replaced
    /// by the database's before the listeners start).
    let initialLimits: SendLimits
    /// Runs `body` once the store is ready (PostgreSQL: its connection pool running and the
    /// schema migrated), and stops the store after it.
    let withReadyStore: @Sendable (_ body: @Sendable () async throws -> Void) async throws -> Void

    /// The data directory's SQLite database.
    static func sqlite(_ configuration: EnvoiConfiguration, directory: DataDirectory, statistics: ServiceStatistics) throws -> RuntimeStore {
        let store = try ControlPlaneStore(directory: directory, softBounceLimit: configuration.delivery.softBounceLimit)
        let writer = try QueueWriter(store: store, statistics: statistics, enforcesLimits: configuration.enforcesLimits)
        return RuntimeStore(
            intake: writer, writerLoop: writer.run, finishWriter: writer.finish, queue: store, reports: store,
            controlPlane: StoreControlPlane(store: store, dkimKeys: DkimKeyGenerator(publishZone: configuration.dkimPublishZone)),
            dkimChecks: store, console: store, dkimRound: { await $0() }, usage: writer, refresh: {}, now: { writer.now() },
            initialLimits: try store.limits(),
            withReadyStore: { try await $0() })
    }
}

/// The queue writer as a service: on graceful shutdown it stops taking submissions and returns
/// once those it took are on disk.
struct QueueWriterService: Service {
    let store: RuntimeStore

    func run() async throws {
        await withGracefulShutdownHandler {
            await store.writerLoop()
        } onGracefulShutdown: {
            store.finishWriter()
        }
    }
}

/// Once a second: re-reads the tenancy's limits, so that `envoi limits set` (or another node's
/// operator) shows in EHLO SIZE, the snapshot and the gauges even while no mail arrives; and
/// whatever else the store refreshes (the cluster's usage on PostgreSQL).
struct StoreRefresher: Service {
    let intake: StoreMessageIntake
    let store: RuntimeStore

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await intake.reloadLimits()
                await store.refresh()
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}
