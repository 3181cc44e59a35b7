/// A message split into its header section and body (RFC 5322 §2.1).
///
/// The header section ends at the first empty line; the body is everything after it, kept as
/// the original octets. Line breaks are CRLF on the wire (RFC 5322 §2.1); a bare LF is also read
/// as a line break so that files with Unix line endings still parse.
public struct ParsedMessage: Sendable {
    /// Bounds applied while parsing. Every limit is a named value with a default.
    public struct Limits: Hashable, Sendable {
        /// The largest header section accepted, in octets (BEHAVIOUR §1: 256 KiB; larger gets
        /// `554 Message parse error`).
        public var maximumHeaderSectionBytes: Int

        /// Limits with the given header section bound.
        public init(maximumHeaderSectionBytes: Int = 256 * 1024) {
            self.maximumHeaderSectionBytes = maximumHeaderSectionBytes
        }

        /// The defaults: a 256 KiB header section.
        public static let standard = Limits()
    }

    /// The header fields.
    public let header: HeaderSection
    /// The whole message as given.
    public let bytes: [UInt8]
    /// The octets of the header section, without the empty line that ends it.
    public let headerSectionByteCount: Int
    /// Where the body starts in `bytes` (`bytes.endIndex` when there is no body).
    public let bodyStartIndex: Int

    /// The body: the octets after the empty line (empty when there is none).
    public var body: ArraySlice<UInt8> {
        bytes[bodyStartIndex...]
    }

    /// Parses `bytes`; throws when there is no header section, when it is larger than
    /// `limits.maximumHeaderSectionBytes`, or when a line of it is not a field.
    public init(parsing bytes: [UInt8], limits: Limits = .standard) throws(MailMessageError) {
        let limit = limits.maximumHeaderSectionBytes
        var fields: [HeaderField] = []
        var fieldStart: Int?
        var fieldEnd = 0
        var fieldName = ""
        var fieldColonOffset = 0
        var index = bytes.startIndex
        var lineNumber = 0
        var headerEnd = bytes.endIndex
        var bodyStart = bytes.endIndex

        func finishField() {
            guard let start = fieldStart else { return }
            let raw = Array(bytes[start..<fieldEnd])
            fields.append(HeaderField(raw: raw, name: fieldName, colonIndex: fieldColonOffset))
            fieldStart = nil
        }

        while index < bytes.endIndex {
            lineNumber += 1
            // Search no further than the limit allows, so that a huge message with no line
            // break is refused without scanning all of it.
            let window = bytes[index..<min(bytes.endIndex, bytes.startIndex + limit + 2)]
            let lineFeed = window.firstIndex(of: .lf)
            if lineFeed == nil, window.endIndex < bytes.endIndex {
                throw .headerSectionTooLarge(limit: limit)
            }
            let next = lineFeed.map { $0 + 1 } ?? bytes.endIndex
            var contentEnd = lineFeed ?? bytes.endIndex
            if lineFeed != nil, contentEnd > index, bytes[contentEnd - 1] == .cr { contentEnd -= 1 }

            if contentEnd == index {
                headerEnd = index
                bodyStart = next
                break
            }
            guard next - bytes.startIndex <= limit else { throw .headerSectionTooLarge(limit: limit) }
            if bytes[index].isWhitespace {
                // RFC 5322 §2.2.3: a line starting with WSP continues the field above it.
                guard fieldStart != nil else { throw .noHeaderSection }
                fieldEnd = contentEnd
            } else {
                finishField()
                guard let (name, colonOffset) = HeaderField.readName(bytes[index..<contentEnd]) else {
                    throw fields.isEmpty ? .noHeaderSection : .malformedHeaderField(line: lineNumber)
                }
                fieldName = name
                fieldColonOffset = colonOffset
                fieldStart = index
                fieldEnd = contentEnd
            }
            index = next
        }
        finishField()
        guard !fields.isEmpty else { throw .noHeaderSection }

        self.header = HeaderSection(fields: fields)
        self.bytes = bytes
        self.headerSectionByteCount = headerEnd - bytes.startIndex
        self.bodyStartIndex = bodyStart
    }
}

/// The header fields of a message in their original order, with case-insensitive lookup.
public struct HeaderSection: Hashable, Sendable {
    /// Every field, top to bottom.
    public let fields: [HeaderField]

    /// A header section holding `fields` in that order.
    public init(fields: [HeaderField]) {
        self.fields = fields
    }

    /// The fields named `name` (any case), top to bottom.
    public func fields(named name: String) -> [HeaderField] {
        fields.filter { $0.hasName(name) }
    }

    /// The topmost field named `name` (any case).
    public func first(named name: String) -> HeaderField? {
        fields.first { $0.hasName(name) }
    }

    /// How many fields are named `name` (any case).
    public func count(named name: String) -> Int {
        fields.reduce(0) { $0 + ($1.hasName(name) ? 1 : 0) }
    }

    /// True when at least one field is named `name` (any case).
    public func contains(_ name: String) -> Bool {
        first(named: name) != nil
    }

    /// The mailboxes of every field named `name` (From, To, Cc, Reply-To, …), in order.
    ///
    /// Display names, quoted strings, groups and comments are read as RFC 5322 §3.4 allows;
    /// an address that `EmailAddress` refuses throws `MailMessageError.invalidAddress`.
    /// `allowUTF8` admits RFC 6531/6532 non-ASCII addresses (an SMTPUTF8 transaction).
    public func mailboxes(in name: String, allowUTF8: Bool = false) throws(MailMessageError) -> [Mailbox] {
        var result: [Mailbox] = []
        for field in fields(named: name) {
            result += try AddressListParser.parse(field.rawValue, allowUTF8: allowUTF8)
        }
        return result
    }
}
