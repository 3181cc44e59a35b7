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

    /// `451 4.7.10 No TLS with <host>: <error>`: the TLS policy says require and the host did
    /// not give TLS; the message stays queued rather than leave in clear.
    public static func encryptionRequired(by remote: String, error: String) -> SMTPReply {
        SMTPReply(code: .localError, enhancedStatusCode: .encryptionNeeded, text: "No TLS with \(remote): \(error)")
    }

    /// `556 5.1.10 Recipient domain <domain> has a null MX` (RFC 7505 §4.2): it accepts no mail.
    public static func nullMX(_ domain: String) -> SMTPReply {
        SMTPReply(code: .domainDoesNotAcceptMail, enhancedStatusCode: .nullMX, text: "Recipient domain \(domain) has a null MX (RFC 7505)")
    }

    /// `550 5.1.2 Recipient domain <domain> does not exist`: DNS answered NXDOMAIN, or the domain
    /// has neither MX nor address records (RFC 5321 §5.1).
    public static func noSuchDomain(_ domain: String, reason: String) -> SMTPReply {
        SMTPReply(code: .mailboxUnavailable, enhancedStatusCode: .badDestinationSystem, text: "Recipient domain \(domain) \(reason)")
    }

    /// `451 4.4.4 No address for the mail exchangers of <domain>`.
    public static func noRoute(to domain: String) -> SMTPReply {
        SMTPReply(code: .localError, enhancedStatusCode: .unableToRoute, text: "No address for the mail exchangers of \(domain)")
    }

    /// `451 4.4.3 DNS lookup for <domain> failed: <error>`: try again later.
    public static func dnsFailure(for domain: String, error: String) -> SMTPReply {
        SMTPReply(code: .localError, enhancedStatusCode: .directoryServerFailure, text: "DNS lookup for \(domain) failed: \(error)")
    }
}
