/// The settings of one client session: what to say, what to insist on, and its bounds.
///
/// A plain value with a default for everything; the delivery transports and `envoi loadgen`
/// build it from their own configuration.
public struct SMTPClientConfiguration: Hashable, Sendable {
    /// When to use STARTTLS (RFC 3207).
    public enum TLSPolicy: Hashable, Sendable {
        /// Never: the session stays in clear.
        case never
        /// When the server offers it; without it, or when the server refuses it, carry on in clear
        /// (RFC 3207 §4.1 leaves that decision to the client; Postfix calls this level `may`).
        case opportunistic
        /// Always: a server that does not offer it or refuses it ends the session.
        case required
    }

    /// The client's name sent with EHLO/HELO (RFC 5321 §4.1.1.1: a domain or an address literal).
    public var hostname: String
    /// When to start TLS.
    public var tlsPolicy: TLSPolicy
    /// Credentials for AUTH (RFC 4954), or nil to send without authenticating.
    public var credentials: SMTPClientCredentials?
    /// Whether AUTH may be sent without TLS. Off by default: PLAIN and LOGIN carry the password
    /// in clear (RFC 4954 §4, RFC 4616 §6).
    public var allowsAuthenticationWithoutTLS: Bool
    /// Whether to pipeline MAIL, RCPT and DATA when the server offers PIPELINING (RFC 2920).
    public var usesPipelining: Bool
    /// Whether every message after the first on a connection starts with RSET, even after a
    /// completed transaction: a reused connection is checked alive and cleared of any state the
    /// last transaction left, as Postfix's connection cache does (RFC 5321 §4.1.1.5).
    public var resetsBetweenMessages: Bool
    /// The longest reply line accepted, CRLF included (see ``SMTPReplyParser``).
    public var maximumReplyLineLength: Int
    /// The most lines in one reply.
    public var maximumReplyLineCount: Int

    /// A configuration; every value has a default.
    public init(
        hostname: String = "localhost",
        tlsPolicy: TLSPolicy = .opportunistic,
        credentials: SMTPClientCredentials? = nil,
        allowsAuthenticationWithoutTLS: Bool = false,
        usesPipelining: Bool = true,
        resetsBetweenMessages: Bool = false,
        maximumReplyLineLength: Int = 2048,
        maximumReplyLineCount: Int = 128
    ) {
        self.hostname = hostname
        self.tlsPolicy = tlsPolicy
        self.credentials = credentials
        self.allowsAuthenticationWithoutTLS = allowsAuthenticationWithoutTLS
        self.usesPipelining = usesPipelining
        self.resetsBetweenMessages = resetsBetweenMessages
        self.maximumReplyLineLength = maximumReplyLineLength
        self.maximumReplyLineCount = maximumReplyLineCount
    }
}

/// A user name and password for AUTH PLAIN or LOGIN.
///
/// Its description never shows the password, so a configuration can be logged whole.
public struct SMTPClientCredentials: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The user name (PLAIN's authcid, LOGIN's first answer).
    public var username: String
    /// The password; never printed.
    public var password: String

    /// Credentials for one user.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// `user:***`.
    public var description: String { "\(username):***" }
    /// `user:***`.
    public var debugDescription: String { description }

    /// The AUTH PLAIN initial response: base64 of `NUL user NUL password` (RFC 4616 §2), with an
    /// empty authorisation identity (act as the authenticated user).
    var plainResponse: String {
        Base64.encode([0] + Array(username.utf8) + [0] + Array(password.utf8))
    }
}
