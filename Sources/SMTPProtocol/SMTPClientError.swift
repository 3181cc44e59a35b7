/// Why a client session, or one message in it, did not go as asked.
///
/// A struct over a private enum (as swift-nio-ssl and swift-certificates do), so that new cases
/// never break a caller's `switch`; equality is on the case. Every error says whether a retry
/// may succeed (``isTransient``), which is what a delivery needs to decide between deferring
/// and bouncing. No case carries a credential.
public struct SMTPClientError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case unexpectedReply(SMTPClientStage, SMTPReply)
        case malformedReply
        case replyTooLong
        case connectionClosed
        case timeout
        case tlsFailed(String)
        case tlsNotOffered
        case authenticationNotOffered
        case authenticationNeedsTLS
        case messageTooLarge(limit: Int)
        case eightBitMIMENotOffered
        case smtpUTF8NotOffered
        case noRecipients
        case notReady
        case cancelled
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The server answered `reply` where the session could not go on (a refused greeting, EHLO,
    /// STARTTLS, AUTH or RSET; a 421 at any stage).
    public static func unexpectedReply(_ stage: SMTPClientStage, _ reply: SMTPReply) -> Self {
        Self(.unexpectedReply(stage, reply))
    }
    /// A line that is not an SMTP reply, or a multi-line reply whose codes differ (RFC 5321 §4.2).
    public static let malformedReply = Self(.malformedReply)
    /// A reply line or a multi-line reply over the parser's bounds.
    public static let replyTooLong = Self(.replyTooLong)
    /// The connection ended before the session did.
    public static let connectionClosed = Self(.connectionClosed)
    /// The server did not answer in time (RFC 5321 §4.5.3.2).
    public static let timeout = Self(.timeout)
    /// The TLS handshake failed; `reason` is the TLS library's description.
    public static func tlsFailed(_ reason: String) -> Self { Self(.tlsFailed(reason)) }
    /// TLS is required and the server does not offer STARTTLS (RFC 3207 §4).
    public static let tlsNotOffered = Self(.tlsNotOffered)
    /// Credentials are configured and the server offers no mechanism this client speaks.
    public static let authenticationNotOffered = Self(.authenticationNotOffered)
    /// Credentials are configured and TLS is not up: they are not sent in clear (RFC 4954 §4).
    public static let authenticationNeedsTLS = Self(.authenticationNeedsTLS)
    /// The message is larger than the server's advertised SIZE (RFC 1870 §6): not sent.
    public static func messageTooLarge(limit: Int) -> Self { Self(.messageTooLarge(limit: limit)) }
    /// The message has 8-bit content and the server does not offer 8BITMIME (RFC 6152 §3): not sent.
    public static let eightBitMIMENotOffered = Self(.eightBitMIMENotOffered)
    /// An address is not ASCII and the server does not offer SMTPUTF8 (RFC 6531 §3.4): not sent.
    public static let smtpUTF8NotOffered = Self(.smtpUTF8NotOffered)
    /// The message has no recipient.
    public static let noRecipients = Self(.noRecipients)
    /// A message was handed over while the session was not ready for one.
    public static let notReady = Self(.notReady)
    /// The session was ended by its owner while a message was in flight.
    public static let cancelled = Self(.cancelled)

    /// The server's reply behind this error, when there is one.
    public var reply: SMTPReply? {
        if case .unexpectedReply(_, let reply) = code { return reply }
        return nil
    }

    /// The stage whose reply this error is, when it is one.
    public var stage: SMTPClientStage? {
        if case .unexpectedReply(let stage, _) = code { return stage }
        return nil
    }

    /// True when the session failed for want of TLS: STARTTLS not offered or refused, or the
    /// handshake failed. Under a `required` policy that is what the sender is told.
    public var isTLSFailure: Bool {
        switch code {
        case .tlsNotOffered, .tlsFailed: true
        case .unexpectedReply(let stage, _): stage == .startTLS
        default: false
        }
    }

    /// True when trying again later may succeed: 4yz replies, refusals of steps that do not judge
    /// the message (AUTH, RSET) and every failure of the connection; false for 5yz replies to
    /// the greeting, EHLO, STARTTLS and the transaction, and for messages this server can never
    /// take as they are.
    public var isTransient: Bool {
        switch code {
        case .unexpectedReply(let stage, let reply):
            switch stage {
            // A refused AUTH is a configuration problem to fix, not a verdict on the message
            // (Postfix's smtp_sasl_auth_soft_bounce); RSET, QUIT and stray replies say nothing
            // about the message at all.
            case .authentication, .reset, .idle, .quit: true
            case .greeting, .hello, .startTLS, .mail, .recipient, .data, .content: !reply.code.isPermanentFailure
            }
        case .messageTooLarge, .eightBitMIMENotOffered, .smtpUTF8NotOffered, .noRecipients: false
        case .malformedReply, .replyTooLong, .connectionClosed, .timeout, .tlsFailed, .tlsNotOffered,
             .authenticationNotOffered, .authenticationNeedsTLS, .notReady, .cancelled: true
        }
    }

    /// One line that says what went wrong, for logs and reports.
    public var description: String {
        switch code {
        case .unexpectedReply(.idle, let reply): "unexpected reply: \(reply)"
        case .unexpectedReply(let stage, let reply): "\(stage) refused: \(reply)"
        case .malformedReply: "malformed reply"
        case .replyTooLong: "reply too long"
        case .connectionClosed: "connection closed"
        case .timeout: "timeout waiting for the server"
        case .tlsFailed(let reason): "TLS failed: \(reason)"
        case .tlsNotOffered: "TLS required but STARTTLS not offered"
        case .authenticationNotOffered: "no supported AUTH mechanism offered"
        case .authenticationNeedsTLS: "AUTH refused without TLS"
        case .messageTooLarge(let limit): "message larger than the server's SIZE \(limit)"
        case .eightBitMIMENotOffered: "8-bit message and no 8BITMIME"
        case .smtpUTF8NotOffered: "UTF-8 address and no SMTPUTF8"
        case .noRecipients: "no recipients"
        case .notReady: "session not ready for a message"
        case .cancelled: "cancelled"
        }
    }
}

/// The step of a client session a reply or an error belongs to.
public enum SMTPClientStage: String, Hashable, Sendable, CustomStringConvertible {
    case greeting, hello, startTLS = "STARTTLS", authentication = "AUTH", reset = "RSET"
    case mail = "MAIL", recipient = "RCPT", data = "DATA", content = "message content"
    case idle, quit = "QUIT"

    /// The stage as named in reports: the command's verb where there is one.
    public var description: String { rawValue }
}
