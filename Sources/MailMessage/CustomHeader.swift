/// A caller-supplied header field of an HTTPS submission (`headerFields` of SubmitEmailDetails),
/// validated so that it can neither replace a field Envoi writes nor inject another one.
///
/// The only way to get one is `CustomHeader.validate(name:value:)`, so a composed message never
/// holds an unchecked custom field.
public struct CustomHeader: Hashable, Sendable {
    /// The field name as the caller wrote it.
    public let name: String
    /// The value; non-ASCII text is written as RFC 2047 encoded-words when composed.
    public let value: String

    /// Why a custom header is refused. Each case names the BEHAVIOUR §2 message the HTTPS API
    /// answers with `400 InvalidParameter`.
    public enum Problem: Hashable, Sendable {
        /// The name is empty or only whitespace: `Header key cannot be null or empty`.
        case emptyName
        /// The name has non-ASCII characters:
        /// `Custom email header keys must be ASCII only <header>`.
        case nonASCIIName(String)
        /// The name is ASCII but not a field name (RFC 5322 §3.6.8 ftext: no space, colon or
        /// control character); the same message as `nonASCIIName` fits it.
        case malformedName(String)
        /// The name is one Envoi writes itself (`reservedNames`, any case):
        /// `<header> is a reserved email header that is not allowed`.
        case reservedName(String)
        /// The value holds CR or LF (header injection); the name is carried for the message.
        case lineBreakInValue(name: String)
    }

    /// The outcome of `validate(name:value:)`: an expected outcome, so a value, not a throw.
    public enum Validation: Hashable, Sendable {
        /// The header may be written.
        case valid(CustomHeader)
        /// The header is refused, for this reason.
        case invalid(Problem)

        /// The header when valid.
        public var header: CustomHeader? {
            if case .valid(let header) = self { return header }
            return nil
        }

        /// The reason when invalid.
        public var problem: Problem? {
            if case .invalid(let problem) = self { return problem }
            return nil
        }
    }

    /// The fields a caller may not set, compared case-insensitively: the ones Envoi composes
    /// (From, To, Cc, Reply-To, Subject, Date, Message-ID, MIME and content fields), Bcc (never
    /// written), and the trace and authentication fields added in transit (RFC 5321 §4.4
    /// Received and Return-Path, RFC 6376 DKIM-Signature), plus Sender (RFC 5322 §3.6.2).
    public static let reservedNames: [String] = [
        "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "DKIM-Signature", "Received",
        "Return-Path", "Sender", "Reply-To", "MIME-Version", "Content-Type",
        "Content-Transfer-Encoding",
    ]

    private static let reservedLowercased = Set(reservedNames.map { $0.lowercased() })

    /// True when `name` is one of `reservedNames`, ignoring case.
    public static func isReserved(_ name: String) -> Bool {
        reservedLowercased.contains(name.lowercased())
    }

    private init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    /// Checks `name` and `value` in the order the API reports them (empty, non-ASCII, malformed,
    /// reserved, then the value) and returns the header or the first problem.
    public static func validate(name: String, value: String) -> Validation {
        if name.allSatisfy(\.isWhitespace) { return .invalid(.emptyName) }
        if !name.utf8.allSatisfy({ $0 < 0x80 }) { return .invalid(.nonASCIIName(name)) }
        if !name.utf8.allSatisfy(\.isFieldNameCharacter) { return .invalid(.malformedName(name)) }
        if isReserved(name) { return .invalid(.reservedName(name)) }
        if value.utf8.contains(where: { $0 == .cr || $0 == .lf }) {
            return .invalid(.lineBreakInValue(name: name))
        }
        return .valid(CustomHeader(name: name, value: value))
    }

    /// The field folded for the message (an unstructured value, RFC 5322 §3.6.8 optional-field).
    var folded: String {
        HeaderFolder.foldUnstructured(name: name, value: value)
    }
}
