import Foundation

/// The store side of the delivery pipeline: claim what is due, record what happened. Implemented
/// by the SQLite store (EnvoiStore) and the PostgreSQL store (EnvoiPostgres).
///
/// Every requirement is `async`: the PostgreSQL store waits on the network without holding a
/// thread, and the SQLite store runs its blocking calls on a worker (`Blocking.run`), so that no
/// caller blocks a cooperative-pool thread or an event loop on the database.
public protocol DeliveryQueueStore: Sendable {
    /// Claims up to `limit` due recipients, grouped by message, leasing them until
    /// `now + lease` so that no other worker takes them meanwhile (a dead worker's lease expires).
    func claimDueDeliveries(now: Date, limit: Int, lease: TimeInterval) async throws -> [DeliveryJob]

    /// Records the outcome of one attempt for each recipient of a job, in one transaction: the
    /// queue entries, the events, suppressions for hard bounces, and the message body's removal
    /// once every recipient is final.
    func recordDeliveries(_ records: [DeliveryRecord], of job: DeliveryJob, now: Date) async throws

    /// The PEM private key and selector of the ACTIVE DKIM key of `domain`, if it has one.
    func activeSigningKey(domain: String) async throws -> (selector: String, privateKeyPEM: String)?

    /// True when `address` is on the suppression list now (it may have been added after acceptance).
    func isSuppressed(_ address: String) async throws -> Bool

    /// Called on start-up, so that entries leased by this node's previous run, which died or
    /// stopped mid-delivery, are due again at once instead of when their leases expire. SQLite
    /// (one node per database) frees every lease: nothing else can be delivering. PostgreSQL
    /// (several nodes) frees only the leases this node holds; another node's may be live, and
    /// freeing them would deliver their recipients twice, so they are left to expire.
    func releaseAllLeases() async throws

    /// Deletes events older than `cutoff` (BEHAVIOUR.md §7: header data is kept two weeks);
    /// returns how many.
    func purgeEvents(before cutoff: Date) async throws -> Int

    /// Keeps a delivered (signed) message in the local mailbox: the `capture` transport.
    func keepInMailbox(_ message: [UInt8], of job: DeliveryJob, recipients: [String], dkimSelector: String?, now: Date) async throws
}

/// One message and the recipients of it that are due.
public struct DeliveryJob: Sendable, Equatable {
    public var queueID: String
    public var messageID: String?
    public var envelopeSender: String
    public var recipients: [String]
    /// Attempts made so far, per recipient.
    public var attempts: [String: Int]
    public var body: [UInt8]
    public var timeReceived: Date

    public init(queueID: String, messageID: String?, envelopeSender: String, recipients: [String], attempts: [String: Int],
                body: [UInt8], timeReceived: Date) {
        self.queueID = queueID
        self.messageID = messageID
        self.envelopeSender = envelopeSender
        self.recipients = recipients
        self.attempts = attempts
        self.body = body
        self.timeReceived = timeReceived
    }
}

/// What to record for one recipient after an attempt.
public struct DeliveryRecord: Sendable, Equatable {
    public enum Result: Sendable, Equatable {
        /// Delivered to the next hop (or kept in the capture mailbox).
        case relayed
        /// Temporary failure: try again at this time.
        case deferred(retryAt: Date)
        /// Permanent failure (5xx): bounce and suppress the recipient as HARDBOUNCE.
        case bouncedHard
        /// Gave up after too many temporary failures or the maximum age: bounce as SOFTBOUNCE.
        case bouncedSoft
        /// Suppressed after acceptance: never sent.
        case suppressed
    }

    public var recipient: String
    public var result: Result
    /// The remote reply or the local reason, for the event log and the suppression's errorDetail.
    public var status: String
    /// The remote host that answered (the suppression's errorSource).
    public var remoteHost: String?
    /// The DKIM selector the message was signed with; nil when it went unsigned.
    public var dkimSelector: String?

    public init(recipient: String, result: Result, status: String, remoteHost: String? = nil, dkimSelector: String? = nil) {
        self.recipient = recipient
        self.result = result
        self.status = status
        self.remoteHost = remoteHost
        self.dkimSelector = dkimSelector
    }
}
