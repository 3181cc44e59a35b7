/// The settings of one SMTP server session: names, switches and every limit, with defaults.
///
/// A plain value: the executable builds it from the configuration file; the state machine and
/// the decoders only read it. Each limit names its origin.
public struct SMTPServerConfiguration: Hashable, Sendable {
    /// The name in the greeting and the EHLO reply.
    public var hostname: String
    /// Whether STARTTLS can be offered. AUTH is never offered nor accepted without TLS
    /// (`spec/BEHAVIOUR.md` §1), so without TLS no client can send mail.
    public var isTLSAvailable: Bool
    /// The largest message accepted, in bytes, advertised as EHLO `SIZE` (RFC 1870); above it
    /// the client gets `552 Exceeds byte limit`.
    public var maximumMessageSize: Int
    /// Recipients per transaction; RFC 5321 §4.5.3.1.8 asks a server to accept at least 100.
    /// Past it RCPT gets `452 4.5.3 Too many recipients` and the client sends the rest later.
    public var maximumRecipients: Int
    /// A command line, CRLF included (RFC 5321 §4.5.3.1.4: 512).
    public var maximumCommandLineLength: Int
    /// A line of an AUTH exchange, CRLF included; RFC 4954 §4 lets them exceed 512 octets and
    /// suggests 12288.
    public var maximumAuthenticationLineLength: Int
    /// A text line inside DATA, CRLF included (RFC 5321 §4.5.3.1.6: 1000).
    public var maximumTextLineLength: Int
    /// The header section of a message (`spec/BEHAVIOUR.md` §1: 256 KiB).
    public var maximumHeaderSectionSize: Int
    /// Bytes a client may send ahead while a reply is pending. RFC 2920 lets a client send one
    /// group of commands ahead, a few kilobytes; past this limit the session is closed.
    public var maximumHeldInputSize: Int
    /// Idle time allowed between commands (`spec/BEHAVIOUR.md` §1: 300 s); the handler runs
    /// the timer and then calls ``SMTPServerStateMachine/idleTimeoutExpired()``.
    public var commandTimeout: Duration
    /// Idle time allowed inside DATA (`spec/BEHAVIOUR.md` §1: 180 s).
    public var dataTimeout: Duration
    /// The VERP return-path domain (`delivery.return_path_domain`), lower-cased; nil turns the
    /// report door off. When set, a client without AUTH may start a transaction, but only to
    /// deliver reports: every RCPT outside this domain still gets `535 Authentication required`.
    public var returnPathDomain: String?

    /// A configuration; every value has the default the specification or RFC gives.
    public init(
        hostname: String = "localhost",
        isTLSAvailable: Bool = true,
        maximumMessageSize: Int = 10 * 1024 * 1024,
        maximumRecipients: Int = 100,
        maximumCommandLineLength: Int = 512,
        maximumAuthenticationLineLength: Int = 12288,
        maximumTextLineLength: Int = 1000,
        maximumHeaderSectionSize: Int = 256 * 1024,
        maximumHeldInputSize: Int = 64 * 1024,
        commandTimeout: Duration = .seconds(300),
        dataTimeout: Duration = .seconds(180),
        returnPathDomain: String? = nil
    ) {
        self.hostname = hostname
        self.isTLSAvailable = isTLSAvailable
        self.maximumMessageSize = maximumMessageSize
        self.maximumRecipients = maximumRecipients
        self.maximumCommandLineLength = maximumCommandLineLength
        self.maximumAuthenticationLineLength = maximumAuthenticationLineLength
        self.maximumTextLineLength = maximumTextLineLength
        self.maximumHeaderSectionSize = maximumHeaderSectionSize
        self.maximumHeldInputSize = maximumHeldInputSize
        self.commandTimeout = commandTimeout
        self.dataTimeout = dataTimeout
        self.returnPathDomain = returnPathDomain?.lowercased()
    }

    /// The EHLO extension keywords, in the order sent (RFC 5321 §4.1.1.1).
    ///
    /// STARTTLS only before TLS (RFC 3207 §4.2), AUTH only after it (`spec/BEHAVIOUR.md` §1).
    public func extensions(isTLSActive: Bool) -> [String] {
        var keywords = ["PIPELINING", "SIZE \(maximumMessageSize)"]
        if !isTLSActive && isTLSAvailable { keywords.append("STARTTLS") }
        if isTLSActive { keywords.append("AUTH PLAIN LOGIN") }
        keywords += ["ENHANCEDSTATUSCODES", "8BITMIME", "SMTPUTF8"]
        return keywords
    }
}
