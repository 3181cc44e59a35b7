/// Why client input was refused: every case knows the reply that tells the client so.
///
/// A struct over a private enum (as swift-nio-ssl and swift-certificates do), so that new cases
/// never break a caller's `switch`. Only errors that know their wire form are sent to a client
/// as that form; this module has no other kind.
public struct SMTPProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case lineTooLong
        case commandUnrecognized
        case commandNotImplemented
        case syntaxError
        case invalidAddress(String)
        case parametersNotRecognized
        case authenticationMechanismMismatch
        case invalidBase64
        case missingNUL
        case missingSecondNUL
        case authenticationAborted
        case bareLineEnding
        case messageTooLarge
        case messageParseError
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// A command line over the command limit (RFC 5321 §4.5.3.1.4) or a text line over the text
    /// limit (§4.5.3.1.6).
    public static let lineTooLong = Self(.lineTooLong)
    /// The verb is not an SMTP command at all.
    public static let commandUnrecognized = Self(.commandUnrecognized)
    /// The verb is an RFC command this server does not implement (EXPN, TURN, BDAT, …).
    public static let commandNotImplemented = Self(.commandNotImplemented)
    /// The arguments do not follow the command's grammar.
    public static let syntaxError = Self(.syntaxError)
    /// A MAIL FROM or RCPT TO path that is not a valid mailbox; `address` is echoed bare.
    public static func invalidAddress(_ address: String) -> Self { Self(.invalidAddress(address)) }
    /// A MAIL FROM or RCPT TO parameter that was not advertised.
    public static let parametersNotRecognized = Self(.parametersNotRecognized)
    /// AUTH without mechanism, with extra arguments, or again after success.
    public static let authenticationMechanismMismatch = Self(.authenticationMechanismMismatch)
    /// An AUTH response that is not base64 (RFC 4954 §4).
    public static let invalidBase64 = Self(.invalidBase64)
    /// A decoded AUTH PLAIN response without any NUL (RFC 4616 §2).
    public static let missingNUL = Self(.missingNUL)
    /// A decoded AUTH PLAIN response with a single NUL (RFC 4616 §2).
    public static let missingSecondNUL = Self(.missingSecondNUL)
    /// The client cancelled an AUTH exchange with `*` (RFC 4954 §4).
    public static let authenticationAborted = Self(.authenticationAborted)
    /// A bare CR or LF inside DATA (SMTP smuggling, CVE-2023-51766 class).
    public static let bareLineEnding = Self(.bareLineEnding)
    /// A message, or a declared SIZE=, over the advertised size limit.
    public static let messageTooLarge = Self(.messageTooLarge)
    /// A message without header section, or with one over the header-section limit.
    public static let messageParseError = Self(.messageParseError)

    /// The reply that tells the client about this error.
    public var reply: SMTPReply {
        switch code {
        case .lineTooLong: .lineTooLong
        case .commandUnrecognized: .commandUnrecognized
        case .commandNotImplemented: .commandNotImplemented
        case .syntaxError: .syntaxError
        case .invalidAddress(let address): .invalidAddress(address)
        case .parametersNotRecognized: .parametersNotRecognized
        case .authenticationMechanismMismatch: .authenticationMechanismMismatch
        case .invalidBase64: .invalidBase64
        case .missingNUL: .missingNUL
        case .missingSecondNUL: .missingSecondNUL
        case .authenticationAborted: .authenticationAborted
        case .bareLineEnding: .bareLineEnding
        case .messageTooLarge: .exceedsByteLimit
        case .messageParseError: .messageParseError
        }
    }

    /// The reply's first line, which says what went wrong.
    public var description: String { reply.description }
}
