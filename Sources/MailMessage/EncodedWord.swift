import Foundation

/// RFC 2047 encoded-words (`=?UTF-8?Q?…?=`), for non-ASCII text in header fields: Subject and
/// other unstructured values, and display names.
public enum EncodedWord {
    /// RFC 2047 §2: an encoded-word is at most 75 characters long.
    public static let maximumLength = 75

    /// Encodes `text` as UTF-8 encoded-words of at most `maximumLength` characters each (the
    /// first at most `firstMaximumLength`), to be written separated by single spaces.
    ///
    /// Each word holds whole Unicode scalars (RFC 2047 §5: "an integral number of characters").
    /// The Q form (RFC 2047 §4.2, restricted to the characters §5(3) allows in a phrase) is
    /// used when it is no longer than the B form (§4.1); otherwise B.
    public static func encode(
        _ text: String, maximumLength: Int = maximumLength, firstMaximumLength: Int? = nil
    ) -> [String] {
        let limit = min(max(maximumLength, 16), Self.maximumLength)
        let firstLimit = min(max(firstMaximumLength ?? limit, 16), Self.maximumLength)
        let bytes = Array(text.utf8)
        let qLength = bytes.reduce(0) { $0 + qEncodedLength($1) }
        let bLength = (bytes.count + 2) / 3 * 4
        let useQ = qLength <= bLength
        let prefix = useQ ? "=?UTF-8?Q?" : "=?UTF-8?B?"
        let overhead = prefix.utf8.count + 2

        var words: [String] = []
        var chunk: [UInt8] = []
        var chunkLength = 0
        func flush() {
            guard !chunk.isEmpty else { return }
            let payload = useQ ? qEncode(chunk) : Data(chunk).base64EncodedString()
            words.append(prefix + payload + "?=")
            chunk = []
            chunkLength = 0
        }
        func encodedLength(adding scalarBytes: [UInt8]) -> Int {
            useQ
                ? chunkLength + scalarBytes.reduce(0) { $0 + qEncodedLength($1) }
                : (chunk.count + scalarBytes.count + 2) / 3 * 4
        }
        for scalar in text.unicodeScalars {
            let scalarBytes = Array(String(scalar).utf8)
            let room = (words.isEmpty ? firstLimit : limit) - overhead
            if encodedLength(adding: scalarBytes) > room, !chunk.isEmpty { flush() }
            chunkLength = encodedLength(adding: scalarBytes)
            chunk += scalarBytes
        }
        flush()
        return words.isEmpty ? [prefix + "?="] : words
    }

    /// Decodes the encoded-words in `text` (RFC 2047 §6): whitespace between two adjacent
    /// encoded-words is dropped (§6.2); a word that cannot be decoded is kept as written.
    /// Charsets read: UTF-8, US-ASCII, ISO-8859-1, ISO-8859-2 and windows-1252.
    public static func decode(_ text: String) -> String {
        var output = ""
        var previousWasEncoded = false
        var remaining = Substring(text)
        while !remaining.isEmpty {
            let spaceEnd = remaining.firstIndex { $0 != " " && $0 != "\t" } ?? remaining.endIndex
            let space = remaining[..<spaceEnd]
            remaining = remaining[spaceEnd...]
            guard !remaining.isEmpty else {
                output += space
                break
            }
            let wordEnd = remaining.firstIndex { $0 == " " || $0 == "\t" } ?? remaining.endIndex
            let word = remaining[..<wordEnd]
            remaining = remaining[wordEnd...]
            if let decoded = decodeWord(word) {
                if !previousWasEncoded { output += space }
                output += decoded
                previousWasEncoded = true
            } else {
                output += space + word
                previousWasEncoded = false
            }
        }
        return output
    }

    /// The text of one encoded-word `=?charset?encoding?encoded-text?=`, or nil when `word` is
    /// not one or does not decode.
    public static func decodeWord(_ word: Substring) -> String? {
        guard word.hasPrefix("=?"), word.hasSuffix("?="), word.count >= 8 else { return nil }
        let parts = word.dropFirst(2).dropLast(2).split(separator: "?", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        // RFC 2231 §5 adds an optional language after `*`: `UTF-8*en`.
        let charset = parts[0].split(separator: "*").first.map { $0.lowercased() } ?? ""
        let payload = Array(parts[2].utf8)
        let bytes: [UInt8]?
        switch parts[1] {
        case "Q", "q": bytes = qDecode(payload)
        case "B", "b": bytes = Data(base64Encoded: String(parts[2])).map { Array($0) }
        default: bytes = nil
        }
        guard let bytes else { return nil }
        switch charset {
        case "utf-8", "utf8", "us-ascii":
            return String(validating: bytes, as: UTF8.self)
        case "iso-8859-1", "latin1":
            return String(data: Data(bytes), encoding: .isoLatin1)
        case "iso-8859-2", "latin2":
            return String(data: Data(bytes), encoding: .isoLatin2)
        case "windows-1252", "cp1252":
            return String(data: Data(bytes), encoding: .windowsCP1252)
        default:
            return nil
        }
    }

    /// True when `word` has the shape of an encoded-word, so that plain text holding one must
    /// itself be encoded or a reader would decode it (RFC 2047 §5).
    static func looksEncoded(_ word: some StringProtocol) -> Bool {
        word.hasPrefix("=?") && word.hasSuffix("?=") && word.utf8.count >= 6
    }

    /// RFC 2047 §5(3): the characters a Q-encoded word in a phrase may carry unencoded.
    private static func isQLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"):
            true
        default:
            false
        }
    }

    private static func qEncodedLength(_ byte: UInt8) -> Int {
        isQLiteral(byte) || byte == .space ? 1 : 3
    }

    private static func qEncode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        for byte in bytes {
            if isQLiteral(byte) {
                output.append(byte)
            } else if byte == .space {
                output.append(UInt8(ascii: "_"))  // RFC 2047 §4.2(2)
            } else {
                output += [.equals, UInt8.hexDigits[Int(byte >> 4)], UInt8.hexDigits[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func qDecode(_ payload: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var index = 0
        while index < payload.count {
            let byte = payload[index]
            if byte == .equals {
                guard index + 2 < payload.count, let high = payload[index + 1].hexValue,
                      let low = payload[index + 2].hexValue else { return nil }
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte == UInt8(ascii: "_") ? .space : byte)
                index += 1
            }
        }
        return output
    }
}
