import EnvoiCore

/// The envelope of one mail transaction (RFC 5321 §2.3.1), as the state machine hands it to
/// the handler for a recipient check and for the commit at the final dot.
public struct SMTPEnvelope: Hashable, Sendable {
    /// The authenticated user the session acts for (the credential's user id).
    public var userID: String
    /// The name the client gave in EHLO or HELO, for the Received header.
    public var clientIdentity: String
    /// The MAIL FROM path.
    public var reversePath: ReversePath
    /// The MAIL FROM parameters.
    public var parameters: MailParameters
    /// The recipients to deliver to, in RCPT order, without duplicates.
    public var recipients: [EmailAddress]
    /// Recipients answered `254`: accepted, never delivered to, not counted toward send limits.
    public var suppressedRecipients: [EmailAddress]
    /// True for a transaction started without AUTH to deliver reports (DSN, ARF) to return
    /// paths: its recipients are return paths, and its message goes to the report intake.
    public var isReport: Bool

    /// An envelope as given; recipients empty by default.
    public init(
        userID: String, clientIdentity: String, reversePath: ReversePath, parameters: MailParameters = MailParameters(),
        recipients: [EmailAddress] = [], suppressedRecipients: [EmailAddress] = [], isReport: Bool = false
    ) {
        self.userID = userID
        self.clientIdentity = clientIdentity
        self.reversePath = reversePath
        self.parameters = parameters
        self.recipients = recipients
        self.suppressedRecipients = suppressedRecipients
        self.isReport = isReport
    }

    /// Every RCPT that was answered positively, delivered or suppressed: DATA needs one.
    public var acceptedRecipientCount: Int { recipients.count + suppressedRecipients.count }

    /// True when `address` was already accepted or suppressed in this transaction.
    public func contains(_ address: EmailAddress) -> Bool {
        let key = address.normalized
        return recipients.contains { $0.normalized == key } || suppressedRecipients.contains { $0.normalized == key }
    }
}
