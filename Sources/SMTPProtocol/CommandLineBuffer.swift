/// Frames a byte stream into command lines, bounded by a maximum line length.
///
/// Bytes arrive in arbitrary chunks; ``nextLine(maximumLength:)`` hands out one complete line at
/// a time so that the caller decides when to read the next (a pipelined command waits while an
/// earlier one is pending). A line is ended by LF, with the CR before it removed; a line longer
/// than the limit is reported once as ``Line/tooLong`` and its bytes are dropped as they come,
/// so an endless line never grows the buffer past the limit.
///
/// The bytes after the last line are kept raw: ``takeBufferedBytes()`` hands them to the DATA
/// decoder, ``discardBufferedBytes()`` drops them after STARTTLS.
public struct CommandLineBuffer: Sendable {
    /// What ``nextLine(maximumLength:)`` found.
    public enum Line: Hashable, Sendable {
        /// A complete line, without its CRLF (or bare LF).
        case complete([UInt8])
        /// A line over the limit (counting its CRLF); its bytes are discarded.
        case tooLong
    }

    private var bytes: [UInt8] = []
    private var readIndex = 0
    /// Bytes before this index, from `readIndex` on, are known to hold no LF: a line that
    /// arrives one byte at a time is scanned once, not once per byte.
    private var scannedIndex = 0
    /// True while the rest of an over-long line, already reported, is being dropped.
    private var isDiscardingOverlongLine = false

    /// An empty buffer.
    public init() {}

    /// The number of bytes received and not yet handed out.
    public var bufferedByteCount: Int { bytes.count - readIndex }

    /// Appends received bytes.
    public mutating func append(_ chunk: some Sequence<UInt8>) {
        bytes.append(contentsOf: chunk)
    }

    /// Returns the next line, or nil when no complete line is buffered yet.
    ///
    /// - Parameter maximumLength: the longest line accepted, counting CRLF: 512 for commands
    ///   (RFC 5321 §4.5.3.1.4); AUTH exchanges may allow more (RFC 4954 §4).
    public mutating func nextLine(maximumLength: Int) -> Line? {
        defer { compactIfWorthwhile() }
        if isDiscardingOverlongLine {
            guard let newline = bytes[readIndex...].firstIndex(of: 0x0A) else {
                readIndex = bytes.endIndex
                return nil
            }
            readIndex = newline + 1
            isDiscardingOverlongLine = false
        }
        // Look no further than the limit: a line that has no LF within it is already too long.
        let searchEnd = min(bytes.endIndex, readIndex + maximumLength)
        let searchStart = min(max(readIndex, scannedIndex), searchEnd)
        guard let newline = bytes[searchStart..<searchEnd].firstIndex(of: 0x0A) else {
            scannedIndex = searchEnd
            guard bufferedByteCount >= maximumLength else { return nil }
            if let laterNewline = bytes[searchEnd...].firstIndex(of: 0x0A) {
                readIndex = laterNewline + 1
            } else {
                readIndex = bytes.endIndex
                isDiscardingOverlongLine = true
            }
            return .tooLong
        }
        var end = newline
        if end > readIndex && bytes[end - 1] == 0x0D { end -= 1 }
        // A bare LF ends a command line too, as in Postfix; only DATA insists on CRLF, because
        // that is where a disagreement between servers lets a message be smuggled.
        let countedLength = end - readIndex + 2
        let line = Array(bytes[readIndex..<end])
        readIndex = newline + 1
        return countedLength > maximumLength ? .tooLong : .complete(line)
    }

    /// Removes and returns every buffered byte, for the DATA decoder.
    public mutating func takeBufferedBytes() -> [UInt8] {
        let remaining = Array(bytes[readIndex...])
        discardBufferedBytes()
        return remaining
    }

    /// Drops every buffered byte: after STARTTLS, plaintext sent ahead of the handshake must
    /// not be executed as if it had come over TLS (CVE-2011-0411, RFC 3207 §4.2).
    public mutating func discardBufferedBytes() {
        bytes.removeAll(keepingCapacity: true)
        readIndex = 0
        scannedIndex = 0
        isDiscardingOverlongLine = false
    }

    private mutating func compactIfWorthwhile() {
        if readIndex == bytes.endIndex {
            bytes.removeAll(keepingCapacity: true)
            readIndex = 0
            scannedIndex = 0
        } else if readIndex > 4096 && readIndex * 2 > bytes.count {
            bytes.removeFirst(readIndex)
            scannedIndex = max(0, scannedIndex - readIndex)
            readIndex = 0
        }
    }
}
