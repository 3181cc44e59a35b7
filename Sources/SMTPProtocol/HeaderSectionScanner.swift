/// Checks, byte by byte as DATA arrives, that a message starts with a header section
/// (RFC 5322 §2.1) and that the section stays within its size limit.
///
/// Memory is constant: nothing is kept but the position in the current line. The full
/// parse of the header fields belongs to the intake; this only decides `554 Message parse
/// error` early, while the client is still sending.
///
/// The section ends at the first empty line. A later line that is neither a header field nor
/// a folded continuation also ends it (the body then starts without the empty line), as
/// Postfix's cleanup does; but the very first line must be a header field.
public struct HeaderSectionScanner: Sendable {
    private enum Position: Sendable {
        /// At the start of a line of the section.
        case lineStart
        /// Inside a field name.
        case fieldName
        /// After a field name, in blanks before the colon (RFC 5322 §4.5.3 obs-optional).
        case blanksBeforeColon
        /// In a field body, up to the LF.
        case fieldBody
        /// The header section has ended.
        case finished
    }

    /// RFC 5322 allows a header section of any size; this bound (256 KiB by default) is the one
    /// of `spec/BEHAVIOUR.md` §1.
    public let maximumSize: Int
    private var position = Position.lineStart
    /// True until the first line's LF: that line must be a header field.
    private var isOnFirstLine = true
    private var size = 0

    /// A scanner for one message.
    public init(maximumSize: Int = 256 * 1024) {
        self.maximumSize = maximumSize
    }

    /// True once the empty line (or a body line) ending the section has been seen.
    public var isComplete: Bool {
        if case .finished = position { return true }
        return false
    }

    /// Consumes one byte of the message as stored (dot-unstuffed, CRLF line ends).
    /// Returns false when the message is to be refused with `554 Message parse error`.
    public mutating func consume(_ byte: UInt8) -> Bool {
        switch position {
        case .finished:
            return true
        case .lineStart:
            switch byte {
            case 0x0D:
                // The empty line: the section ends, unless there was no section at all.
                return finishBeforeBody()
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                // A continuation line (RFC 5322 §2.2.3), but there is nothing to continue yet.
                guard !isOnFirstLine else { return finishBeforeBody() }
                position = .fieldBody
            case _ where Self.isFieldNameByte(byte):
                position = .fieldName
            default:
                return finishBeforeBody()
            }
        case .fieldName:
            if byte == UInt8(ascii: ":") {
                position = .fieldBody
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                position = .blanksBeforeColon
            } else if !Self.isFieldNameByte(byte) {
                return finishBeforeBody()
            }
        case .blanksBeforeColon:
            if byte == UInt8(ascii: ":") {
                position = .fieldBody
            } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
                return finishBeforeBody()
            }
        case .fieldBody:
            if byte == 0x0A {
                position = .lineStart
                isOnFirstLine = false
            }
        }
        size += 1
        return size <= maximumSize
    }

    /// Called at the end of the message: false when it never had a header section.
    public func finish() -> Bool {
        if case .lineStart = position, isOnFirstLine { return false }
        return true
    }

    /// A line that is not a header field: the body starts here, or, on the first line, the
    /// message has no header section.
    private mutating func finishBeforeBody() -> Bool {
        position = .finished
        return !isOnFirstLine
    }

    /// RFC 5322 §3.6.8 ftext: printable US-ASCII except the colon.
    private static func isFieldNameByte(_ byte: UInt8) -> Bool {
        (33...126).contains(byte) && byte != UInt8(ascii: ":")
    }
}
