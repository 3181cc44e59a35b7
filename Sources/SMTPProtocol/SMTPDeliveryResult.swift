/// What became of one message handed to a client session: one outcome per recipient.
///
/// A delivery classifies each recipient by ``SMTPRecipientResult/disposition``: delivered
/// (2yz), retry later (4yz, or the connection failed), or bounce (5yz, or the message can never
/// be sent to this server as it is).
public struct SMTPDeliveryResult: Hashable, Sendable {
    /// One entry per recipient of the message, in the message's order.
    public let recipients: [SMTPRecipientResult]
    /// The reply that decided the transaction: the reply to the message content when it was
    /// sent, otherwise the first refusal (of MAIL, of the first refused RCPT, of DATA). Nil when
    /// no reply decided it (the message was not sent, or the connection failed first).
    public let finalReply: SMTPReply?
    /// The error that ended the transaction early (the message was not sent, the connection
    /// failed, the server said 421), if one did.
    public let error: SMTPClientError?

    /// A result.
    public init(recipients: [SMTPRecipientResult], finalReply: SMTPReply?, error: SMTPClientError?) {
        self.recipients = recipients
        self.finalReply = finalReply
        self.error = error
    }

    /// A message that was not sent at all: every recipient gets `error`.
    public init(notSent message: SMTPClientMessage, error: SMTPClientError) {
        self.init(recipients: message.recipients.map { SMTPRecipientResult(recipient: $0, outcome: .failed(error)) },
                  finalReply: nil, error: error)
    }

    /// The recipients the server took responsibility for.
    public var acceptedRecipients: [String] {
        recipients.filter { $0.disposition == .accepted }.map(\.recipient)
    }

    /// True when every recipient was accepted.
    public var isAccepted: Bool { recipients.allSatisfy { $0.disposition == .accepted } }
}

/// The outcome for one recipient.
public struct SMTPRecipientResult: Hashable, Sendable {
    /// How a recipient came out.
    public enum Outcome: Hashable, Sendable {
        /// The server's reply that decided this recipient: to MAIL when it was refused, to its
        /// RCPT when that was refused, to DATA when that was refused, else to the content.
        case reply(SMTPReply)
        /// No reply decided it: the message was not sent, or the session failed first.
        case failed(SMTPClientError)
    }

    /// The forward-path, as given in the message.
    public let recipient: String
    /// What decided it.
    public let outcome: Outcome

    /// A result for one recipient.
    public init(recipient: String, outcome: Outcome) {
        self.recipient = recipient
        self.outcome = outcome
    }

    /// How a delivery treats this recipient.
    public var disposition: SMTPDisposition {
        switch outcome {
        case .reply(let reply):
            // RFC 5321 §4.2.1: only the first digit decides; 254 (the cloud service's
            // suppression reply) is a 2yz and so counts as accepted.
            if reply.code.isPositiveCompletion { .accepted }
            else if reply.code.isPermanentFailure { .permanentFailure }
            else { .transientFailure }
        case .failed(let error):
            error.isTransient ? .transientFailure : .permanentFailure
        }
    }
}

/// The three ways a recipient can come out of a transaction (RFC 5321 §4.2.1).
public enum SMTPDisposition: Hashable, Sendable {
    /// 2yz: the server took responsibility for delivering to this recipient.
    case accepted
    /// 4yz or a failed connection: try again later.
    case transientFailure
    /// 5yz, or a message this server can never take: do not retry; bounce.
    case permanentFailure
}
