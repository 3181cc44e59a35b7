import EnvoiCore
import Foundation

/// The PostgreSQL side of the intake: the control-plane reads of the writer's store and the
/// writer's group commit, so that EnvoiIntake's one `StoreIntake` runs on a shared database.
extension PostgresQueueWriter: IntakeStore {
    public func credentialForVerification(username: String) async throws -> (credential: OCID, user: OCID, hash: String)? {
        try await store.credentialForVerification(username: username)
    }

    public func sendAuthorization(for user: OCID) async throws -> (SendAuthorization, groups: [Group]) {
        try await store.sendAuthorization(for: user)
    }

    /// The address as the suppression list stores it (the SQLite store's normalisation), looked
    /// up with the other sessions' (`BatchedLookup`).
    public func isSuppressed(email: String) async throws -> Bool {
        try await suppressions.contains(try ControlPlaneRules.suppressionAddress(email))
    }

    public func limits() async throws -> SendLimits {
        try await store.limits()
    }

    /// From `send_usage`, every node's usage: no node holds the others' in memory, so the early
    /// answer costs one range sum. It is an estimate — another node may commit right after it —
    /// and the batch's locked re-check in `commit` is the one that guarantees the limits.
    public func limitRefusal(adding count: Int, limits: SendLimits) async throws -> LimitRefusal? {
        guard enforcesLimits else { return nil }
        let (minute, day) = try await store.usage()
        return limits.refusal(adding: count, minuteUsage: minute, dayUsage: day)
    }

    public func now() -> Date { store.now() }
}
