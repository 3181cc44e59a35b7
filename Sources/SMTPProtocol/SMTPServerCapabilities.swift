/// What a server offered in its EHLO reply (RFC 5321 §4.1.1.1), as the client uses it.
///
/// Forgotten and learnt again after STARTTLS (RFC 3207 §4.2): a server offers AUTH only over
/// TLS, and what it said in clear could have been altered on the way.
public struct SMTPServerCapabilities: Hashable, Sendable {
    /// PIPELINING (RFC 2920): MAIL, RCPT and DATA may be sent as one group.
    public var pipelining = false
    /// SIZE (RFC 1870): nil when not offered; 0 when offered without a limit.
    public var size: Int?
    /// STARTTLS (RFC 3207).
    public var startTLS = false
    /// The AUTH mechanisms offered (RFC 4954 §3), upper-cased.
    public var authenticationMechanisms: Set<String> = []
    /// 8BITMIME (RFC 6152): `BODY=8BITMIME` may be declared.
    public var eightBitMIME = false
    /// SMTPUTF8 (RFC 6531): UTF-8 addresses may be sent.
    public var smtpUTF8 = false
    /// ENHANCEDSTATUSCODES (RFC 2034).
    public var enhancedStatusCodes = false

    /// Nothing offered: a server that answered HELO, or one not yet asked.
    public init() {}

    /// Reads the keywords of an EHLO reply; its first line is the server's name, not a keyword.
    /// Unknown keywords are ignored, as RFC 5321 §4.1.1.1 asks.
    public init(ehloReply reply: SMTPReply) {
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map { $0.uppercased() }
            guard let keyword = words.first else { continue }
            let parameters = words.dropFirst()
            switch keyword {
            case "PIPELINING": pipelining = true
            case "SIZE": size = parameters.first.flatMap { Int($0) } ?? 0
            case "STARTTLS": startTLS = true
            case "AUTH": authenticationMechanisms.formUnion(parameters)
            case "8BITMIME": eightBitMIME = true
            case "SMTPUTF8": smtpUTF8 = true
            case "ENHANCEDSTATUSCODES": enhancedStatusCodes = true
            default:
                // Some servers still say `AUTH=PLAIN LOGIN`, the form of a pre-RFC draft.
                if keyword.hasPrefix("AUTH=") {
                    authenticationMechanisms.insert(String(keyword.dropFirst(5)))
                    authenticationMechanisms.formUnion(parameters)
                }
            }
        }
    }

    /// Whether a message of `byteCount` octets is within the advertised SIZE (RFC 1870 §6).
    public func accepts(byteCount: Int) -> Bool {
        guard let size, size > 0 else { return true }
        return byteCount <= size
    }
}
