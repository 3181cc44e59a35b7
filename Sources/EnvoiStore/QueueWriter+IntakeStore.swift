import EnvoiCore
import EnvoiIntake
import EnvoiSecrets
import Foundation

/// The SQLite side of the intake: the control-plane reads of the writer's store, each on the
/// blocking pool (GRDB waits on locks and the disk), the early limit check from the writer's
/// in-memory windows, and the writer's group commit.
extension QueueWriter: IntakeStore {
    public func credentialForVerification(username: String) async throws -> (credential: OCID, user: OCID, hash: String)? {
        try await Blocking.run { [store] in try store.credentialForVerification(username: username) }
    }

    public func sendAuthorization(for user: OCID) async throws -> (SendAuthorization, groups: [Group]) {
        try await Blocking.run { [store] in try store.sendAuthorization(for: user) }
    }

    /// Concurrent sessions' lookups go together (`BatchedLookup`): one hop to the blocking pool
    /// and one pooled connection per batch.
    public func isSuppressed(email: String) async throws -> Bool {
        try await suppressions.contains(try ControlPlaneRules.suppressionAddress(email))
    }

    public func limits() async throws -> SendLimits {
        try await Blocking.run { [store] in try store.limits() }
    }

    /// From the windows this writer keeps: on SQLite it is the only writer, so they hold all the
    /// usage and the check costs no read.
    public func limitRefusal(adding count: Int, limits: SendLimits) async throws -> LimitRefusal? {
        refusal(adding: count, limits: limits)
    }

    public func now() -> Date { store.now() }
}

/// The intake as the SQLite server builds it; the name its call sites have always used.
public typealias StoreMessageIntake = StoreIntake

extension StoreIntake {
    /// The intake over the SQLite `store` and its queue `writer`, with the limits stored now.
    public convenience init(store: ControlPlaneStore, writer: QueueWriter, hostname: String, statistics: ServiceStatistics,
                            hasher: PasswordHasher = PasswordHasher()) throws {
        self.init(store: writer, limits: try store.limits(), hostname: hostname, statistics: statistics, hasher: hasher)
    }
}
