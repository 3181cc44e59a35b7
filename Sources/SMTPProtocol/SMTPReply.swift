/// One SMTP reply: a code, an optional enhanced status code and one or more lines of text.
///
/// Replies are values built from the named constants in `SMTPReply+Behaviour.swift` and
/// `SMTPReply+Standard.swift`, so that the texts of `spec/BEHAVIOUR.md` live in one place and
/// no handler writes `"250 OK"` by hand.
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The three-digit reply code.
    public let code: SMTPReplyCode
    /// The RFC 3463 code placed after the reply code on every line, when the reply has one.
    public let enhancedStatusCode: EnhancedStatusCode?
    /// The text lines, at least one; an empty string is an empty text (as in `334 `).
    public let lines: [String]

    /// Builds a one-line reply.
    public init(code: SMTPReplyCode, enhancedStatusCode: EnhancedStatusCode? = nil, text: String) {
        self.init(code: code, enhancedStatusCode: enhancedStatusCode, lines: [text])
    }

    /// Builds a multi-line reply (RFC 5321 §4.2.1); an empty `lines` becomes one empty line.
    public init(code: SMTPReplyCode, enhancedStatusCode: EnhancedStatusCode? = nil, lines: [String]) {
        self.code = code
        self.enhancedStatusCode = enhancedStatusCode
        self.lines = lines.isEmpty ? [""] : lines.map(Self.sanitized)
    }

    /// The text of the reply, lines joined by a line feed (for logs and tests, not the wire).
    public var text: String { lines.joined(separator: "\n") }

    /// The first line as it appears on the wire, without CRLF.
    public var description: String { Self.render(code: code, enhanced: enhancedStatusCode, text: lines[0], isLast: true) }

    /// True for 421: RFC 5321 §3.8 says the server closes the channel after sending it.
    public var closesConnection: Bool { code == .serviceNotAvailable }

    /// The reply as it is written to the socket.
    ///
    /// RFC 5321 §4.2.1: every line but the last has a hyphen after the code, the last a space;
    /// RFC 2034 §4: the enhanced status code, when present, follows the code on every line.
    public var wireBytes: [UInt8] {
        var bytes: [UInt8] = []
        for (index, line) in lines.enumerated() {
            let rendered = Self.render(
                code: code, enhanced: enhancedStatusCode, text: line, isLast: index == lines.count - 1)
            bytes.append(contentsOf: rendered.utf8)
            bytes.append(contentsOf: [0x0D, 0x0A])
        }
        return bytes
    }

    /// The reply as it is written to the socket, as a string (with CRLF line ends).
    public var wireText: String { String(decoding: wireBytes, as: UTF8.self) }

    private static func render(code: SMTPReplyCode, enhanced: EnhancedStatusCode?, text: String, isLast: Bool) -> String {
        var line = code.description + (isLast ? " " : "-")
        if let enhanced {
            line += enhanced.description
            if !text.isEmpty { line += " " }
        }
        return line + text
    }

    /// A reply echoes client input (an address in `553`), so CR, LF and other control characters
    /// are replaced: a reply line must never end early or smuggle a second reply to the client.
    private static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(isControl(scalar) ? "?" : scalar)
        }
        return String(result)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}
