/// The door for what receiving servers send back: asynchronous bounces (RFC 3464 delivery
/// status notifications) and complaints (RFC 5965 feedback reports), addressed to the VERP
/// return path of a message Envoi sent (`delivery.return_path_domain`).
///
/// The SMTP listener asks it, without authentication, and only for recipients in the
/// return-path domain; everything else still needs AUTH (never an open relay). Every method may
/// block on the store; adapters call it off their event loops.
public protocol ReportIntake: Sendable {
    /// The return-path domain, lower-cased: RCPT TO in it may come without AUTH.
    var returnPathDomain: String { get }

    /// Early answer at RCPT TO: does `address` carry a valid token of a message Envoi sent?
    func checkReturnPath(_ address: EmailAddress) async -> ReturnPathDecision

    /// Reads the report and records what it says (suppression and event) for the message and
    /// recipient each return path names.
    func receiveReport(_ report: InboundReport) async -> ReportOutcome
}

/// What the report intake says about one RCPT TO in the return-path domain.
public enum ReturnPathDecision: Sendable, Equatable {
    /// A valid token: the report is wanted.
    case accepted
    /// Not a token Envoi made, or one whose tag matches none of the message's recipients.
    case unknown
    /// The store could not be read; the reporter may retry.
    case temporaryFailure
}

/// A report as received on SMTP, after the final dot.
public struct InboundReport: Sendable {
    /// The accepted RCPT TO addresses (return paths).
    public var returnPaths: [EmailAddress]
    /// The RFC 5322 message, CRLF line endings.
    public var message: [UInt8]
    /// The client's EHLO name and address: the error source when the report names no MTA.
    public var clientIdentity: String
    public var client: String?

    public init(returnPaths: [EmailAddress], message: [UInt8], clientIdentity: String, client: String? = nil) {
        self.returnPaths = returnPaths
        self.message = message
        self.clientIdentity = clientIdentity
        self.client = client
    }
}

/// What the report intake reads and writes: the recipients of a message Envoi sent, and what a
/// report says about one of them. The SQLite and PostgreSQL stores conform.
public protocol ReportStore: Sendable {
    /// The recipients of queued message `queueID` (in every state, delivered ones included: a
    /// bounce comes after the delivery), sorted; nil when there is no such message.
    func recipients(ofQueueID queueID: String) async throws -> [String]?

    /// Records, in one transaction, what a report says about `recipient` of message `queueID`:
    /// a `bounced` or `complaint` event, and the suppression (HARDBOUNCE, COMPLAINT, or
    /// SOFTBOUNCE once the store's soft-bounce limit is reached in a row). False when the
    /// message or the recipient is unknown (nothing is written).
    func recordReport(queueID: String, recipient: String, outcome: ReportedOutcome, detail: String, source: String?) async throws -> Bool
}

/// What a report says happened to the recipient it is about.
public enum ReportedOutcome: String, Sendable, Equatable, CaseIterable {
    /// `Action: failed` with a 5.x.x status: HARDBOUNCE, event `bounced`.
    case hardBounce
    /// `Action: failed` with a 4.x.x status: counts toward `delivery.soft_bounce_limit`.
    case softBounce
    /// `Feedback-Type: abuse`: COMPLAINT, event `complaint`.
    case complaint

    /// The event a report records (type and error type), the same in every store.
    public var event: (type: String, errorType: String) {
        switch self {
        case .hardBounce: ("bounced", "Invalid Recipient")
        case .softBounce: ("bounced", "Soft bounce")
        case .complaint: ("complaint", "Complaint")
        }
    }
}

/// What became of one received report.
public enum ReportOutcome: Sendable, Equatable {
    /// Recorded for this many recipients.
    case recorded(Int)
    /// Read and deliberately dropped (a delay notice, a report of another kind, not a report):
    /// accepted all the same, so the reporter does not retry.
    case ignored(String)
    /// The store failed; nothing was written, the reporter retries.
    case storageFailure
}
