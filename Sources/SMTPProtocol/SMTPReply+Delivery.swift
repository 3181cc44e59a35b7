/// The statuses the delivery pipeline records when no remote reply decided a recipient: local
/// outcomes written in the event log (and, for bounces, in the suppression's `errorDetail`), in
/// the same code + enhanced code + text form as a remote reply (RFC 3463).
extension SMTPReply {
    /// `250 2.0.0 Kept in the local mailbox`: the capture transport's delivery.
    public static let keptInMailbox = SMTPReply(code: .ok, enhancedStatusCode: .success, text: "Kept in the local mailbox")

    /// `451 4.3.0 The local mailbox cannot be written`.
    public static let mailboxUnwritable = SMTPReply(code: .localError, enhancedStatusCode: .mailSystemTransient,
                                                    text: "The local mailbox cannot be written")

    /// `451 4.4.1 No session with <host>: <error>`: the next hop could not be reached.
    public static func noSession(with remote: String, error: String) -> SMTPReply {
        SMTPReply(code: .localError, enhancedStatusCode: .noAnswerFromHost, text: "No session with \(remote): \(error)")
    }

    /// `451 4.4.2 Session with <host> failed: <error>`.
    public static func sessionFailed(with remote: String, error: String) -> SMTPReply {
        SMTPReply(code: .localError, enhancedStatusCode: .badConnection, text: "Session with \(remote) failed: \(error)")
    }

    /// `451 4.4.2 No reply for this recipient from <host>`.
    public static func noReplyForRecipient(from remote: String) -> SMTPReply {
        SMTPReply(code: .localError, enhancedStatusCode: .badConnection, text: "No reply for this recipient from \(remote)")
    }

    /// `451 4.4.2 No outcome`: the transport said nothing about a recipient.
    public static let noOutcome = SMTPReply(code: .localError, enhancedStatusCode: .badConnection, text: "No outcome")

    /// A client-side failure: `554 5.0.0 <error>` when it can never succeed, else `451 4.4.2 <error>`.
    public static func clientFailure(_ error: String, permanent: Bool) -> SMTPReply {
        permanent ? SMTPReply(code: .transactionFailed, enhancedStatusCode: .permanentOther, text: error)
            : SMTPReply(code: .localError, enhancedStatusCode: .badConnection, text: error)
    }
}
