import EnvoiCore

/// One client command, parsed from a command line by ``SMTPCommandParser`` (RFC 5321 §4.1.1).
public enum SMTPCommand: Hashable, Sendable {
    /// `HELO domain`: the RFC 821 greeting.
    case hello(domain: String)
    /// `EHLO domain`: the extended greeting, answered with the extension list.
    case extendedHello(domain: String)
    /// `MAIL FROM:<reverse-path> [parameters]`: starts a transaction.
    case mail(from: ReversePath, parameters: MailParameters)
    /// `RCPT TO:<forward-path>`: adds a recipient.
    case recipient(to: EmailAddress)
    /// `DATA`: the message content follows.
    case data
    /// `RSET`: aborts the current transaction.
    case reset
    /// `NOOP`: does nothing.
    case noop
    /// `QUIT`: the server answers 221 and closes.
    case quit
    /// `HELP [topic]`: the topic is ignored.
    case help
    /// `VRFY string`: answered with 252, never with an address (RFC 5321 §3.5.3).
    case verify(String)
    /// `STARTTLS` (RFC 3207).
    case startTLS
    /// `AUTH mechanism [initial-response]` (RFC 4954 §4); the response is still base64.
    case authenticate(mechanism: SASLMechanism, initialResponse: String?)
}

/// The reverse-path of MAIL FROM: a mailbox, or the null path `<>` of bounces (RFC 5321 §4.5.5).
public enum ReversePath: Hashable, Sendable, CustomStringConvertible {
    /// `<>`.
    case null
    /// `<local@domain>`.
    case mailbox(EmailAddress)

    /// The mailbox, or nil for the null path.
    public var address: EmailAddress? {
        switch self {
        case .null: nil
        case .mailbox(let address): address
        }
    }

    /// The bare address, or an empty string for the null path.
    public var description: String { address?.description ?? "" }
}

/// The ESMTP parameters of MAIL FROM that this server advertises (RFC 5321 §4.1.2 `Mail-parameters`).
public struct MailParameters: Hashable, Sendable {
    /// RFC 1870 `SIZE=`: the size the client declares, checked against the advertised limit.
    public var declaredSize: Int?
    /// RFC 6152 `BODY=`: 7BIT or 8BITMIME.
    public var body: MessageBody?
    /// RFC 6531 `SMTPUTF8`: addresses and headers may hold UTF-8.
    public var isSMTPUTF8: Bool

    /// Parameters as given; all absent by default.
    public init(declaredSize: Int? = nil, body: MessageBody? = nil, isSMTPUTF8: Bool = false) {
        self.declaredSize = declaredSize
        self.body = body
        self.isSMTPUTF8 = isSMTPUTF8
    }
}

/// The RFC 6152 body type declared with `BODY=`.
public enum MessageBody: String, Hashable, Sendable {
    /// `BODY=7BIT`: lines of US-ASCII only.
    case sevenBit = "7BIT"
    /// `BODY=8BITMIME`: octets above 127 may appear.
    case eightBitMIME = "8BITMIME"
}

/// A SASL mechanism name as AUTH carries it (RFC 4422 §3.1), upper-cased.
///
/// An open struct: a client may name any mechanism, and the state machine answers the ones it
/// does not implement with `504 Method not supported` rather than a parse error.
public struct SASLMechanism: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The mechanism name, upper-cased.
    public let rawValue: String

    /// Wraps a mechanism name; SASL names are case-insensitive, so it is upper-cased.
    public init(rawValue: String) {
        self.rawValue = rawValue.uppercased()
    }

    /// The name as advertised in EHLO.
    public var description: String { rawValue }

    /// RFC 4616 PLAIN.
    public static let plain = Self(rawValue: "PLAIN")
    /// The de-facto LOGIN mechanism (draft-murchison-sasl-login).
    public static let login = Self(rawValue: "LOGIN")
}
