/// A message the intake has checked, ready for the durable queue: what both stores' queue
/// writers commit (EnvoiStore `QueueWriter` on SQLite, EnvoiPostgres `PostgresQueueWriter`).
public struct QueuedMessage: Sendable {
    /// The id the client is told (`250 2.0.0 Ok: queued as <id>`, the HTTPS `envelopeId`).
    public var queueID: String
    /// The RFC 5322 Message-ID, without angle brackets.
    public var messageID: String?
    public var submission: Submission

    public init(queueID: String, messageID: String?, submission: Submission) {
        self.queueID = queueID
        self.messageID = messageID
        self.submission = submission
    }

    /// A new queue id.
    public static func makeQueueID() -> String { OCID.generate(.message).rawValue }
}
