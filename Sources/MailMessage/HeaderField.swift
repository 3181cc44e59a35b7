/// One header field of a message (RFC 5322 §2.2): a name, a colon and a value that may be folded
/// over several lines.
///
/// The field keeps the exact octets it was read from, because DKIM's `simple` header
/// canonicalisation (RFC 6376 §3.4.1) signs them unchanged.
public struct HeaderField: Hashable, Sendable {
    /// The field name as written, without the colon or any whitespace before it.
    public let name: String
    /// The whole field as read: name, optional whitespace, colon, value and the line breaks of
    /// its folding, without the line break that ends the field.
    public let raw: [UInt8]
    /// Where the colon is in `raw`.
    package let colonIndex: Int

    /// Reads a field from its raw octets; nil when there is no colon or the name is not
    /// 1*ftext (RFC 5322 §3.6.8). Whitespace between name and colon is tolerated
    /// (obs-optional, RFC 5322 §4.5.3).
    public init?(raw: [UInt8]) {
        guard let (name, colon) = Self.readName(raw[...]) else { return nil }
        self.init(raw: raw, name: name, colonIndex: colon)
    }

    /// A field whose name the caller has already read with `readName` (or kept from another
    /// field whose value it edits after the colon, as DKIM does to blank `b=`).
    package init(raw: [UInt8], name: String, colonIndex: Int) {
        self.name = name
        self.raw = raw
        self.colonIndex = colonIndex
    }

    /// The name of the field starting `line` and the offset of its colon from `line.startIndex`;
    /// nil when there is no colon or the name is not 1*ftext.
    static func readName(_ line: ArraySlice<UInt8>) -> (name: String, colonOffset: Int)? {
        guard let colon = line.firstIndex(of: .colon) else { return nil }
        var nameEnd = colon
        while nameEnd > line.startIndex, line[nameEnd - 1].isWhitespace { nameEnd -= 1 }
        let nameBytes = line[line.startIndex..<nameEnd]
        guard !nameBytes.isEmpty, nameBytes.allSatisfy(\.isFieldNameCharacter) else { return nil }
        return (String(decoding: nameBytes, as: UTF8.self), colon - line.startIndex)
    }

    /// The octets after the colon, folding included.
    public var rawValue: ArraySlice<UInt8> {
        raw[(colonIndex + 1)...]
    }

    /// The value unfolded (RFC 5322 §2.2.3: CRLF before WSP removed), decoded as UTF-8 (RFC 6532),
    /// without leading or trailing whitespace.
    public var value: String {
        var bytes = rawValue.filter { $0 != .cr && $0 != .lf }[...]
        while let first = bytes.first, first.isWhitespace { bytes.removeFirst() }
        while let last = bytes.last, last.isWhitespace { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The name lower-cased: field names compare case-insensitively (RFC 5322 §1.2.2).
    public var lowercasedName: String {
        name.lowercased()
    }

    /// True when this field's name is `other`, ignoring ASCII case.
    public func hasName(_ other: String) -> Bool {
        name.utf8.count == other.utf8.count && lowercasedName == other.lowercased()
    }
}
