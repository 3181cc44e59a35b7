/// Frames a server's byte stream into replies, the client's counterpart of the command parser.
///
/// RFC 5321 §4.2: a reply is one or more lines with the same three-digit code; every line but
/// the last has a hyphen after the code, the last a space (or nothing). RFC 2034 §4: with
/// ENHANCEDSTATUSCODES each line's text starts with the same `class.subject.detail`; it is taken
/// from the first line and removed from every line that repeats it.
///
/// Bytes arrive in arbitrary chunks; ``nextReply()`` hands out one complete reply at a time, so
/// that the state machine matches pipelined replies to its commands in order (RFC 2920 §3.1).
public struct SMTPReplyParser: Sendable {
    /// The longest reply line accepted, CRLF included. RFC 5321 §4.5.3.1.5 sets 512; real
    /// servers send longer EHLO lines, so the default leaves room while staying bounded.
    public let maximumLineLength: Int
    /// The most lines in one reply: an endless multi-line reply must not grow memory.
    public let maximumLineCount: Int

    private var input = CommandLineBuffer()
    private var code: SMTPReplyCode?
    private var enhancedStatusCode: EnhancedStatusCode?
    private var lines: [String] = []

    /// A parser with the given bounds.
    public init(maximumLineLength: Int = 2048, maximumLineCount: Int = 128) {
        self.maximumLineLength = maximumLineLength
        self.maximumLineCount = maximumLineCount
    }

    /// Bytes received and not yet part of a returned reply.
    public var bufferedByteCount: Int { input.bufferedByteCount }

    /// Appends received bytes.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        input.append(bytes)
    }

    /// Drops everything buffered: after the server's 220 to STARTTLS, plaintext that followed it
    /// must not be read as if it had come over TLS (RFC 3207 §4.2, the client side of
    /// CVE-2011-0411).
    public mutating func discardBufferedBytes() {
        input.discardBufferedBytes()
        code = nil
        enhancedStatusCode = nil
        lines = []
    }

    /// The next complete reply, or nil when more bytes are needed.
    ///
    /// - Throws: ``SMTPClientError/malformedReply`` for a line without a valid code or with a
    ///   code that differs from the previous line's, ``SMTPClientError/replyTooLong`` past
    ///   either bound. The stream cannot be resynchronised after either.
    public mutating func nextReply() throws(SMTPClientError) -> SMTPReply? {
        while let line = input.nextLine(maximumLength: maximumLineLength) {
            guard case .complete(let bytes) = line else { throw .replyTooLong }
            guard let parsed = Self.parseLine(bytes) else { throw .malformedReply }
            if let code, code != parsed.code { throw .malformedReply }
            var text = parsed.text
            if lines.isEmpty {
                code = parsed.code
                (enhancedStatusCode, text) = Self.splitEnhancedStatusCode(text)
            } else if let enhancedStatusCode, text.hasPrefix(enhancedStatusCode.description) {
                text = Self.splitEnhancedStatusCode(text).text
            }
            lines.append(text)
            guard parsed.isLast else {
                guard lines.count < maximumLineCount else { throw .replyTooLong }
                continue
            }
            let reply = SMTPReply(code: parsed.code, enhancedStatusCode: enhancedStatusCode, lines: lines)
            code = nil
            enhancedStatusCode = nil
            lines = []
            return reply
        }
        return nil
    }

    /// `Reply-code [ ("-" / SP) textstring ]` (RFC 5321 §4.2).
    private static func parseLine(_ bytes: [UInt8]) -> (code: SMTPReplyCode, isLast: Bool, text: String)? {
        guard bytes.count >= 3, bytes[0..<3].allSatisfy(isDigit) else { return nil }
        let value = bytes[0..<3].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard let code = SMTPReplyCode(rawValue: value) else { return nil }
        guard bytes.count > 3 else { return (code, true, "") }
        let separator = bytes[3]
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else { return nil }
        return (code, separator == UInt8(ascii: " "), String(decoding: bytes[4...], as: UTF8.self))
    }

    /// Takes `class.subject.detail` off the start of `text` (RFC 3463 §2: 1–3 digits per part);
    /// a text that does not start with one is left whole.
    private static func splitEnhancedStatusCode(_ text: String) -> (EnhancedStatusCode?, text: String) {
        let word = text.prefix { $0 != " " }
        let parts = word.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              parts.allSatisfy({ (1...3).contains($0.count) && $0.utf8.allSatisfy(isDigit) }),
              let enhanced = EnhancedStatusCode(Int(parts[0])!, Int(parts[1])!, Int(parts[2])!)
        else { return (nil, text) }
        return (enhanced, String(text.dropFirst(word.count).drop { $0 == " " }))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
