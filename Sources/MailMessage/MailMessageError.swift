/// The one error type of `MailMessage`: a message that cannot be parsed, or an address that
/// cannot be read.
///
/// Modelled as a struct over a private code (as swift-certificates' `CertificateError`), so new
/// cases never break callers; equality compares the code and its payload.
public struct MailMessageError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case noHeaderSection
        case headerSectionTooLarge(limit: Int)
        case malformedHeaderField(line: Int)
        case invalidAddress(String)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The message is empty, starts with an empty line, or its first line is not a header field.
    public static let noHeaderSection = MailMessageError(.noHeaderSection)

    /// The header section is larger than `limit` octets.
    public static func headerSectionTooLarge(limit: Int) -> MailMessageError {
        MailMessageError(.headerSectionTooLarge(limit: limit))
    }

    /// Line `line` (1-based) of the header section is neither a field (`name:`) nor a
    /// continuation line (RFC 5322 §2.2, §2.2.3).
    public static func malformedHeaderField(line: Int) -> MailMessageError {
        MailMessageError(.malformedHeaderField(line: line))
    }

    /// `text` in an address header is not an RFC 5322 mailbox that `EmailAddress` accepts.
    public static func invalidAddress(_ text: String) -> MailMessageError {
        MailMessageError(.invalidAddress(text))
    }

    /// True for the errors that make a message unparseable as RFC 5322, which SMTP answers with
    /// `554 Message parse error` (BEHAVIOUR §1).
    public var isMessageParseError: Bool {
        switch code {
        case .noHeaderSection, .headerSectionTooLarge, .malformedHeaderField: true
        case .invalidAddress: false
        }
    }

    /// The offending address text, bare (no display name, no angle brackets), for
    /// `553 <address> Invalid email address` and `Invalid email address: <address>`.
    public var invalidAddressText: String? {
        if case .invalidAddress(let text) = code { return text }
        return nil
    }

    /// A line for logs; never sent to a peer as is.
    public var description: String {
        switch code {
        case .noHeaderSection: "message has no header section"
        case .headerSectionTooLarge(let limit): "header section larger than \(limit) octets"
        case .malformedHeaderField(let line): "malformed header field at line \(line)"
        case .invalidAddress(let text): "invalid address \(text)"
        }
    }
}
