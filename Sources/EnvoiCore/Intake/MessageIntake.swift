/// The one door behind both doors: the SMTP server and the HTTPS API hand every question about a
/// submission to a `MessageIntake`, so that authorisation, suppression, limits, size and header
/// checks and the durable commit are the same whichever way a message arrives (DESIGN.md).
///
/// Every method may block on the store; adapters call it off their event loops.
public protocol MessageIntake: Sendable {
    /// Checks SMTP credentials.
    func authenticate(username: String, password: String) async -> AuthenticationResult

    /// The largest message accepted, in octets (advertised by EHLO SIZE): the tenancy's limit as
    /// last read, without waiting for the store (a session reads it when it starts).
    func currentMaximumMessageSize() -> Int

    /// Early answer at MAIL FROM: is the envelope sender approved for this submitter, and is a
    /// send limit already reached? nil when the transaction may go on.
    func checkEnvelopeSender(_ sender: EmailAddress, for submitter: Submitter) async -> IntakeRefusal?

    /// Early answer at RCPT TO, given how many recipients the transaction already accepted.
    func checkRecipient(_ recipient: EmailAddress, acceptedSoFar: Int, for submitter: Submitter) async -> RecipientDecision

    /// Checks the whole message (header From, size, header section) and commits it durably;
    /// `queued` is answered only once message, recipients and queue entries are on disk.
    func submit(_ submission: Submission) async -> SubmissionResult
}

/// What the intake answers to a username and password.
public enum AuthenticationResult: Sendable, Equatable {
    /// The credentials are valid.
    case authenticated(Submitter)
    /// The username or password is wrong (SMTP 535; counts toward the auth-failure throttle).
    case rejected
    /// The credentials could not be checked: the store failed. Not the client's fault, so it does
    /// not count as an auth failure (SMTP 421 4.4.0, then close).
    case unavailable
}

/// An authenticated user, as the intake knows them.
public struct Submitter: Sendable, Hashable {
    public var userId: OCID

    public init(userId: OCID) {
        self.userId = userId
    }
}

/// Where a submission came from.
public enum SubmissionSource: String, Sendable {
    case smtp, https
}

/// What the intake decided about one recipient.
public enum RecipientDecision: Sendable, Equatable {
    /// The recipient will be delivered to.
    case accepted
    /// The recipient is on the suppression list: the reply is positive (SMTP 254), but nothing is
    /// ever sent to it; it does not count toward the limits.
    case suppressed
    /// The recipient is refused.
    case refused(IntakeRefusal)
}

/// Why the intake refused; each door maps it to its own reply (BEHAVIOUR.md §1 and §2).
public enum IntakeRefusal: Sendable, Equatable {
    /// The address is not an approved sender the submitter may use (SMTP 535, HTTPS 404).
    case senderNotAuthorized(address: String, SendAuthorization.Denial)
    /// A send limit would be exceeded (SMTP 455, HTTPS 400 LimitExceeded).
    case limitReached(LimitRefusal)
    /// The message is larger than the limit (SMTP 552, HTTPS 413).
    case tooLarge(limit: Int)
    /// No header section, or one over 256 KiB (SMTP 554 Message parse error).
    case unparsable
    /// The commit failed; nothing was written (SMTP 452, HTTPS 500).
    case storageFailure
    /// A lookup failed before the commit (the store could not be read); the client may retry
    /// (SMTP 451, HTTPS 500).
    case temporaryFailure
    /// The mail system cannot take anything now: the queue writer has stopped while the session
    /// was still open (SMTP 421 4.3.0 and close, HTTPS 500).
    case mailSystemFailure
}

extension IntakeRefusal {
    /// A short label for metrics and logs.
    public var reason: String {
        switch self {
        case .senderNotAuthorized: "sender_not_authorized"
        case .limitReached(.perMinute): "limit_per_minute"
        case .limitReached(.perDay): "limit_per_day"
        case .tooLarge: "too_large"
        case .unparsable: "unparsable"
        case .storageFailure: "storage_failure"
        case .temporaryFailure: "temporary_failure"
        case .mailSystemFailure: "mail_system_failure"
        }
    }
}

/// A message ready to be committed.
public struct Submission: Sendable {
    public var submitter: Submitter
    public var source: SubmissionSource
    public var envelopeSender: EmailAddress
    /// Recipients to deliver to (suppressed ones removed).
    public var recipients: [EmailAddress]
    /// Recipients that were on the suppression list; recorded, never queued.
    public var suppressedRecipients: [EmailAddress]
    /// The RFC 5322 message, CRLF line endings.
    public var message: [UInt8]
    /// The HTTPS API names the sender's compartment; SMTP does not.
    public var compartment: OCID?
    /// The address or name of the client, for the event log.
    public var client: String?
    /// The queue id to use; nil lets the intake choose. The HTTPS API chooses it so that the
    /// answer it records for retries (`replay`) can name it before the commit.
    public var queueID: String?
    /// Set when a retry of this submission must return the first answer instead of queueing again.
    public var replay: SubmissionReplay?
    /// Set by the HTTPS API for the message its composer wrote (From, Message-ID and Date always
    /// present), so that the intake need not parse Envoi's own output again; nil for a client's
    /// message, which the intake parses and completes.
    public var composedHeader: ComposedHeader?

    public init(submitter: Submitter, source: SubmissionSource, envelopeSender: EmailAddress, recipients: [EmailAddress],
                suppressedRecipients: [EmailAddress] = [], message: [UInt8], compartment: OCID? = nil, client: String? = nil) {
        self.submitter = submitter
        self.source = source
        self.envelopeSender = envelopeSender
        self.recipients = recipients
        self.suppressedRecipients = suppressedRecipients
        self.message = message
        self.compartment = compartment
        self.client = client
    }
}

/// What `MessageComposer` wrote in a message's header, as the intake would parse it back.
public struct ComposedHeader: Sendable, Equatable {
    /// The From addresses.
    public var from: [EmailAddress]
    /// The Message-ID, without angle brackets.
    public var messageID: String

    public init(from: [EmailAddress], messageID: String) {
        self.from = from
        self.messageID = messageID
    }
}

/// An HTTPS submission that names its Message-ID: the SDK retries submitEmail up to 8 times, and a
/// retry within 24 hours must get the first answer and queue nothing (BEHAVIOUR.md §2). The answer
/// is recorded in the commit's own transaction, so no crash or concurrent retry can queue twice.
public struct SubmissionReplay: Sendable, Equatable {
    /// The caller's key: the Message-ID, per user.
    public var key: String
    /// The answer to record, and to give every retry.
    public var response: String

    public init(key: String, response: String) {
        self.key = key
        self.response = response
    }
}

/// The outcome of a submission.
public enum SubmissionResult: Sendable, Equatable {
    /// Committed: the queue id, and the message's Message-ID (without angle brackets).
    case queued(id: String, messageId: String?)
    /// A retry of a submission already committed (`Submission.replay`): its recorded answer.
    case replayed(response: String)
    case refused(IntakeRefusal)
}
