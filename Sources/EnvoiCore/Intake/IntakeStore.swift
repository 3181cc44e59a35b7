import Foundation

/// What the message intake needs from a store, and nothing more: the control-plane reads that
/// decide a submission and the durable commit. Each backend (SQLite in EnvoiStore, PostgreSQL in
/// EnvoiPostgres) conforms with its queue writer, so that one intake (EnvoiIntake `StoreIntake`)
/// applies the same checks, caches and answers whichever database holds the queue.
///
/// Every read may wait on the database; the intake calls it off the event loops.
public protocol IntakeStore: Sendable {
    /// The ACTIVE SMTP credential named `username`: its id, its user and its PBKDF2 password hash
    /// (unsealed); nil when there is none. The intake verifies the password, so that the slow
    /// hash runs outside any transaction.
    func credentialForVerification(username: String) async throws -> (credential: OCID, user: OCID, hash: String)?

    /// Everything `SendAuthorization` needs, read in one snapshot, and the groups of `user`.
    func sendAuthorization(for user: OCID) async throws -> (SendAuthorization, groups: [Group])

    /// Whether `email` is on the suppression list (one indexed lookup per recipient).
    func isSuppressed(email: String) async throws -> Bool

    /// The tenancy's send limits as stored now.
    func limits() async throws -> SendLimits

    /// The early limit check at MAIL FROM and RCPT TO: would `count` more recipients go past
    /// `limits`? An estimate that spares a client the DATA of a message that cannot be accepted;
    /// only the commit's own re-check guarantees a limit.
    func limitRefusal(adding count: Int, limits: SendLimits) async throws -> LimitRefusal?

    /// Commits `message` durably; returns once it is committed (or refused by the commit's checks).
    func commit(_ message: QueuedMessage) async -> SubmissionResult

    /// The store's clock: what a submission's added `Date` header says.
    func now() -> Date
}
