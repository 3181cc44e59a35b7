/// The quoted-printable content transfer encoding of RFC 2045 §6.7, for text bodies.
public enum QuotedPrintable {
    /// RFC 2045 §6.7(5): encoded lines are at most 76 characters, the soft break `=` included.
    public static let maximumLineLength = 76

    /// Encodes `bytes`, whose lines are separated by CRLF (see `LineEndings`), keeping each
    /// CRLF as a hard line break (rule 4) and breaking longer lines with soft breaks `=` CRLF
    /// (rule 5). `=` and octets outside 33–126 are written `=XX` (rules 1, 2); a space or tab
    /// is literal except at the end of a line (rule 3).
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        var lineStart = 0
        while lineStart <= bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, !(bytes[lineEnd] == .cr && lineEnd + 1 < bytes.count && bytes[lineEnd + 1] == .lf) {
                lineEnd += 1
            }
            encodeLine(bytes[lineStart..<lineEnd], into: &output)
            guard lineEnd < bytes.count else { break }
            output += [.cr, .lf]
            lineStart = lineEnd + 2
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func encodeLine(_ line: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var length = 0
        for index in line.indices {
            let byte = line[index]
            let isLast = index == line.index(before: line.endIndex)
            let literal = ((33...126).contains(byte) && byte != .equals) || (byte.isWhitespace && !isLast)
            let pieceLength = literal ? 1 : 3
            // A soft break needs one column for its `=`, unless this is the line's last piece.
            if length + pieceLength > maximumLineLength - (isLast ? 0 : 1) {
                output += [.equals, .cr, .lf]
                length = 0
            }
            if literal {
                output.append(byte)
            } else {
                output += [.equals, UInt8.hexDigits[Int(byte >> 4)], UInt8.hexDigits[Int(byte & 0x0F)]]
            }
            length += pieceLength
        }
    }

    /// Decodes quoted-printable `text`: soft breaks removed, `=XX` replaced by its octet,
    /// whitespace at line ends dropped (rule 3: transports may add it); hard breaks become CRLF.
    /// A malformed `=` is kept as is (RFC 2045 §6.7, note 2).
    public static func decode(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        let lines = text.utf8.split(separator: .lf, omittingEmptySubsequences: false)
        for (number, rawLine) in lines.enumerated() {
            var line = Array(rawLine)
            if line.last == .cr { line.removeLast() }
            while let last = line.last, last.isWhitespace { line.removeLast() }
            var softBreak = false
            if line.last == .equals {
                line.removeLast()
                softBreak = true
            }
            var index = 0
            while index < line.count {
                if line[index] == .equals, index + 2 < line.count,
                   let high = line[index + 1].hexValue, let low = line[index + 2].hexValue {
                    output.append(high << 4 | low)
                    index += 3
                } else {
                    output.append(line[index])
                    index += 1
                }
            }
            if !softBreak, number < lines.count - 1 { output += [.cr, .lf] }
        }
        return output
    }
}
