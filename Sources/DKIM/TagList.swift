/// An RFC 6376 §3.2 tag-list (`v=DKIM1; k=rsa; p=…`), the syntax of both DKIM-Signature fields
/// and key records.
struct TagList: Hashable, Sendable {
    /// One `name=value` pair; the value is trimmed of surrounding whitespace but keeps inner
    /// whitespace and folding, which some tags allow (`p=`, `b=`, `h=`).
    struct Tag: Hashable, Sendable {
        let name: String
        let value: String
    }

    /// What is wrong with a text that is not a tag-list.
    enum Problem: Hashable, Sendable {
        /// The text holds no tag at all.
        case empty
        /// A segment between semicolons has no `=`.
        case missingEquals(String)
        /// A tag name is not `ALPHA *(ALPHA / DIGIT / "_")`.
        case invalidName(String)
        /// §3.2: "Tags with duplicate names MUST NOT occur within a single tag-list".
        case duplicate(String)
    }

    /// The parse result: the tags, or the first problem found.
    enum Outcome: Hashable, Sendable {
        case tags(TagList)
        case invalid(Problem)
    }

    /// The tags in the order written.
    let tags: [Tag]

    /// The value of the tag `name` (tag names are case-sensitive, §3.2).
    subscript(name: String) -> String? {
        tags.first { $0.name == name }?.value
    }

    /// Parses `text`. Whitespace and folding (CR, LF) around names, `=` and values are
    /// ignored; a final `;` and empty segments are tolerated.
    static func parse(_ text: String) -> Outcome {
        var tags: [Tag] = []
        var seen: Set<String> = []
        for segment in text.split(separator: ";", omittingEmptySubsequences: false) {
            let trimmed = segment.trimmingFoldingWhitespace()
            if trimmed.isEmpty { continue }
            guard let equals = trimmed.firstIndex(of: "=") else { return .invalid(.missingEquals(String(trimmed))) }
            let name = String(trimmed[..<equals].trimmingFoldingWhitespace())
            let value = String(trimmed[trimmed.index(after: equals)...].trimmingFoldingWhitespace())
            guard isValidName(name) else { return .invalid(.invalidName(name)) }
            guard seen.insert(name).inserted else { return .invalid(.duplicate(name)) }
            tags.append(Tag(name: name, value: value))
        }
        return tags.isEmpty ? .invalid(.empty) : .tags(TagList(tags: tags))
    }

    /// RFC 6376 §3.2 tag-name: `ALPHA *ALNUMPUNC`.
    private static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }
}

extension StringProtocol {
    /// The text without leading or trailing space, tab, CR or LF (RFC 6376 §2.8 FWS).
    func trimmingFoldingWhitespace() -> SubSequence {
        let isFolding: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isFolding($0) }), let end = lastIndex(where: { !isFolding($0) }) else {
            return self[endIndex...]
        }
        return self[start...end]
    }

    /// The text with every space, tab, CR and LF removed: a base64 value that FWS may split.
    func removingFoldingWhitespace() -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: unicodeScalars.filter { $0 != " " && $0 != "\t" && $0 != "\r" && $0 != "\n" })
        return String(result)
    }
}
