/// Decodes the content that follows DATA, fed in arbitrary chunks, until `CRLF.CRLF`.
///
/// - The end is only `CRLF "." CRLF` (RFC 5321 §4.1.1.4); the CRLF before the dot belongs to
///   the message. A bare CR or bare LF anywhere is refused (`554 5.6.0`): servers that read
///   `LF.LF` or `CR.CR` as the end let a second message be smuggled through another server
///   that does not (CVE-2023-51766 and its kin). Refused content is still consumed up to the
///   real end, and never read as commands.
/// - A leading dot is removed from each line (dot-unstuffing, RFC 5321 §4.5.2).
/// - Bounded memory: at most `maximumMessageSize` bytes are kept; past that, or after any
///   refusal, bytes are only scanned for the end. Text lines over `maximumTextLineLength`
///   octets with CRLF (RFC 5321 §4.5.3.1.6) and header problems refuse the message too.
/// - The bytes after the end (pipelined commands) come back with the result.
public struct MessageDataDecoder: Sendable {
    /// Where the decoder stands within the current line.
    private enum Position: Sendable {
        /// At the start of a line (the data itself starts after DATA's CRLF).
        case lineStart
        /// After a dot at the start of a line.
        case dot
        /// Inside a line.
        case inLine
        /// After a CR inside a line.
        case carriageReturn
        /// After `CRLF.CR`: an LF now ends the data.
        case dotCarriageReturn
    }

    /// What a call to ``decode(_:)`` produced.
    public enum Progress: Hashable, Sendable {
        /// The end has not been seen yet; feed more bytes.
        case needMoreData
        /// The end was seen. `leftover` holds the bytes that followed it, unconsumed.
        case complete(Outcome, leftover: [UInt8])
    }

    /// The result of one DATA phase.
    public enum Outcome: Hashable, Sendable {
        /// The message as it is to be stored: unstuffed, with CRLF line ends.
        case accepted([UInt8])
        /// The message is refused with this error's reply.
        case rejected(SMTPProtocolError)
    }

    /// Refuses messages larger than this many bytes (after unstuffing): `552 Exceeds byte limit`.
    public let maximumMessageSize: Int
    /// The longest text line, counting its CRLF (RFC 5321 §4.5.3.1.6: 1000).
    public let maximumTextLineLength: Int

    private var position = Position.lineStart
    private var lineLength = 0
    private var message: [UInt8] = []
    private var failure: SMTPProtocolError?
    private var headerScanner: HeaderSectionScanner
    /// Set once the end is seen; arrays are copy-on-write, so keeping it costs no copy.
    private var outcome: Outcome?

    /// A decoder for one message.
    public init(maximumMessageSize: Int, maximumTextLineLength: Int = 1000, maximumHeaderSectionSize: Int = 256 * 1024) {
        self.maximumMessageSize = maximumMessageSize
        self.maximumTextLineLength = maximumTextLineLength
        self.headerScanner = HeaderSectionScanner(maximumSize: maximumHeaderSectionSize)
    }

    /// Consumes `chunk` up to the end of the data.
    ///
    /// After ``Progress/complete(_:leftover:)`` the decoder is spent: a further call returns the
    /// same outcome again, with every byte given back as leftover.
    public mutating func decode(_ chunk: some Collection<UInt8>) -> Progress {
        if let outcome {
            return .complete(outcome, leftover: Array(chunk))
        }
        let consumed = chunk.withContiguousStorageIfAvailable { consume(contentsOf: $0) }
            ?? Array(chunk).withUnsafeBufferPointer { consume(contentsOf: $0) }
        guard let consumed else { return .needMoreData }
        let outcome = finish()
        self.outcome = outcome
        return .complete(outcome, leftover: Array(chunk.dropFirst(consumed)))
    }

    /// Consumes `buffer` up to the end of the data; returns how many bytes that took, or nil
    /// when the end is not in `buffer`.
    private mutating func consume(contentsOf buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < buffer.count {
            if case .inLine = position {
                // The bulk of a message is plain text between line ends: take it as one run.
                let runEnd = buffer[index...].firstIndex { $0 == 0x0D || $0 == 0x0A } ?? buffer.count
                if runEnd > index {
                    appendText(buffer[index..<runEnd])
                    index = runEnd
                    continue
                }
            }
            let byte = buffer[index]
            index += 1
            if consume(byte) { return index }
        }
        return nil
    }

    /// Takes a run of text bytes (no CR, no LF) inside a line, with the same result as taking
    /// them one by one: whichever limit the earlier byte breaks is the one reported.
    private mutating func appendText(_ run: Slice<UnsafeBufferPointer<UInt8>>) {
        if failure == nil && !headerScanner.isComplete {
            for byte in run {
                countLineOctet()
                emit(byte)
            }
            return
        }
        if failure == nil {
            // Offsets in the run of the first byte over the line limit and over the size limit.
            let overLine = max(0, maximumTextLineLength - 2 - lineLength)
            let overSize = maximumMessageSize - message.count
            if min(overLine, overSize) < run.count {
                fail(overLine <= overSize ? .lineTooLong : .messageTooLarge)
            } else {
                message.append(contentsOf: run)
            }
        }
        lineLength += run.count
    }

    /// Advances by one byte; returns true when that byte ended the data.
    private mutating func consume(_ byte: UInt8) -> Bool {
        switch position {
        case .lineStart:
            lineLength = 0
            if byte == UInt8(ascii: ".") {
                position = .dot
                countLineOctet()
                return false
            }
            inLine(byte)
        case .dot:
            if byte == 0x0D {
                position = .dotCarriageReturn
                return false
            }
            // RFC 5321 §4.5.2: the stuffed dot is dropped; what follows is ordinary text.
            inLine(byte)
        case .inLine:
            inLine(byte)
        case .carriageReturn:
            if byte == 0x0A {
                emit(0x0D)
                emit(0x0A)
                position = .lineStart
            } else {
                fail(.bareLineEnding)
                inLine(byte)
            }
        case .dotCarriageReturn:
            if byte == 0x0A { return true }
            fail(.bareLineEnding)
            inLine(byte)
        }
        return false
    }

    private mutating func inLine(_ byte: UInt8) {
        switch byte {
        case 0x0D:
            position = .carriageReturn
        case 0x0A:
            // A bare LF neither ends the line nor lets a following dot end the data.
            fail(.bareLineEnding)
            position = .inLine
        default:
            position = .inLine
            countLineOctet()
            emit(byte)
        }
    }

    /// Counts an octet of the line as sent, stuffing dot included, against the text-line limit.
    private mutating func countLineOctet() {
        lineLength += 1
        if lineLength + 2 > maximumTextLineLength { fail(.lineTooLong) }
    }

    private mutating func emit(_ byte: UInt8) {
        guard failure == nil else { return }
        guard message.count < maximumMessageSize else {
            fail(.messageTooLarge)
            return
        }
        guard headerScanner.consume(byte) else {
            fail(.messageParseError)
            return
        }
        message.append(byte)
    }

    /// Records the first refusal and frees the message: from here on bytes are only scanned.
    private mutating func fail(_ error: SMTPProtocolError) {
        guard failure == nil else { return }
        failure = error
        message = []
    }

    private mutating func finish() -> Outcome {
        if failure == nil && !headerScanner.finish() { fail(.messageParseError) }
        if let failure { return .rejected(failure) }
        return .accepted(message)
    }
}
