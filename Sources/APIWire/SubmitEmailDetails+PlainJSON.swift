extension SubmitEmailDetails {
    /// The submitEmail body, decoded: the shape the cloud SDK sends through a direct parser, and
    /// anything else — every malformed or unusual body included — through `JSONBody.decode`,
    /// whose refusals are the API's. Both give the same value wherever the direct parser answers
    /// (a test and the SubmitEmail fuzz target compare them); the direct one costs a fraction of
    /// `JSONDecoder`, which was the largest single cost of a submission.
    package static func decode(from body: [UInt8]) throws(WireError) -> SubmitEmailDetails {
        if let details = SubmitEmailDetails(plainJSON: body) { return details }
        return try JSONBody.decode(SubmitEmailDetails.self, from: body)
    }

    /// The body when it is plain: only the known fields, of the right types (strings, objects,
    /// arrays, null for an absent field), no duplicate key, no number or boolean anywhere.
    /// Anything else is nil, left to `JSONDecoder`.
    package init?(plainJSON body: [UInt8]) {
        var parser = PlainJSON(body)
        guard let document = parser.document(), let details = try? Self(document) else { return nil }
        self = details
    }

    private init(_ document: PlainJSON.Value) throws(PlainJSON.Mismatch) {
        for (key, value) in try document.fields() {
            switch key {
            case "messageId": messageId = try value.optionalString()
            case "subject": subject = try value.optionalString()
            case "bodyHtml": bodyHtml = try value.optionalString()
            case "bodyText": bodyText = try value.optionalString()
            case "replyTo": replyTo = try value.optionalAddresses()
            case "sender":
                guard case .object(let fields) = value else { try value.null(); continue }
                var sender = SenderDetails()
                for (key, value) in fields {
                    switch key {
                    case "senderAddress": sender.senderAddress = try value.optionalAddress()
                    case "compartmentId": sender.compartmentId = try value.optionalString()
                    default: throw PlainJSON.Mismatch()
                    }
                }
                self.sender = sender
            case "recipients":
                guard case .object(let fields) = value else { try value.null(); continue }
                var recipients = RecipientDetails()
                for (key, value) in fields {
                    switch key {
                    case "to": recipients.to = try value.optionalAddresses()
                    case "cc": recipients.cc = try value.optionalAddresses()
                    case "bcc": recipients.bcc = try value.optionalAddresses()
                    default: throw PlainJSON.Mismatch()
                    }
                }
                self.recipients = recipients
            case "headerFields":
                guard case .object(let fields) = value else { try value.null(); continue }
                var headers: [String: String] = [:]
                for (name, value) in fields {
                    guard case .string(let text) = value else { throw PlainJSON.Mismatch() }
                    headers[name] = text
                }
                headerFields = headers
            default:
                throw PlainJSON.Mismatch()
            }
        }
    }
}

extension PlainJSON.Value {
    /// The fields of an object; anything else is a mismatch.
    func fields() throws(PlainJSON.Mismatch) -> [(key: String, value: Self)] {
        guard case .object(let fields) = self else { throw PlainJSON.Mismatch() }
        return fields
    }

    func null() throws(PlainJSON.Mismatch) {
        guard case .null = self else { throw PlainJSON.Mismatch() }
    }

    func optionalString() throws(PlainJSON.Mismatch) -> String? {
        if case .string(let text) = self { return text }
        try null()
        return nil
    }

    func optionalAddress() throws(PlainJSON.Mismatch) -> EmailAddressDetails? {
        guard case .object(let fields) = self else { try null(); return nil }
        var address = EmailAddressDetails()
        for (key, value) in fields {
            switch key {
            case "email": address.email = try value.optionalString()
            case "name": address.name = try value.optionalString()
            default: throw PlainJSON.Mismatch()
            }
        }
        return address
    }

    /// An array of addresses; a null element is a mismatch, as it is for `JSONDecoder`.
    func optionalAddresses() throws(PlainJSON.Mismatch) -> [EmailAddressDetails]? {
        guard case .array(let elements) = self else { try null(); return nil }
        var addresses: [EmailAddressDetails] = []
        for element in elements {
            guard let address = try element.optionalAddress() else { throw PlainJSON.Mismatch() }
            addresses.append(address)
        }
        return addresses
    }
}

/// A strict parser for a subset of JSON (RFC 8259): objects, arrays, strings and null, nested at
/// most `maximumDepth` deep. Numbers, booleans, a repeated key, bytes that are not UTF-8, or
/// anything malformed make it answer nil; the caller then falls back to `JSONDecoder`.
struct PlainJSON {
    indirect enum Value {
        case string(String)
        case object([(key: String, value: Value)])
        case array([Value])
        case null
    }

    struct Mismatch: Error {}

    static let maximumDepth = 8

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The one value the text holds, with nothing but whitespace around it.
    mutating func document() -> Value? {
        guard let value = value(depth: 0) else { return nil }
        skipWhitespace()
        return index == bytes.count ? value : nil
    }

    private mutating func value(depth: Int) -> Value? {
        skipWhitespace()
        guard index < bytes.count, depth <= Self.maximumDepth else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(Value.string)
        case UInt8(ascii: "n"):
            guard bytes[index...].starts(with: "null".utf8) else { return nil }
            index += 4
            return .null
        default: return nil
        }
    }

    private mutating func object(depth: Int) -> Value? {
        index += 1
        var fields: [(key: String, value: Value)] = []
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(fields) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string(),
                  !fields.contains(where: { $0.key == key }) else { return nil }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")), let value = value(depth: depth + 1) else { return nil }
            fields.append((key, value))
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "}")) ? .object(fields) : nil
        }
    }

    private mutating func array(depth: Int) -> Value? {
        index += 1
        var elements: [Value] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            guard let element = value(depth: depth + 1) else { return nil }
            elements.append(element)
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            return consume(UInt8(ascii: "]")) ? .array(elements) : nil
        }
    }

    /// A string from its opening quote: escapes resolved, UTF-8 checked.
    private mutating func string() -> String? {
        index += 1
        var text: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): text.append(escape)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    text.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            case 0x00..<0x20:
                return nil  // a control character must be escaped
            default:
                text.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (after the `u`), or of a surrogate pair `\uD8xx\uDCxx`.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let unit = hex4() else { return nil }
        switch unit {
        case 0xD800..<0xDC00:
            guard bytes[index...].starts(with: #"\u"#.utf8) else { return nil }
            index += 2
            guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
        case 0xDC00..<0xE000:
            return nil
        default:
            return Unicode.Scalar(unit)
        }
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[index..<(index + 4)] {
            guard let digit = Self.hexValue(byte) else { return nil }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }
}
