/// DNS values as Envoi uses them: record types, records, responses (RFC 1035 §3, §4).

/// A record type (RFC 1035 §3.2.2, RFC 3596 for AAAA). An open set: unknown types keep their
/// number.
public struct DNSRecordType: Hashable, Sendable, CustomStringConvertible {
    /// The TYPE code.
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// A host address (IPv4).
    public static let a = DNSRecordType(rawValue: 1)
    /// The canonical name of an alias.
    public static let cname = DNSRecordType(rawValue: 5)
    /// The start of a zone of authority.
    public static let soa = DNSRecordType(rawValue: 6)
    /// A mail exchange.
    public static let mx = DNSRecordType(rawValue: 15)
    /// Text strings (DKIM key records, SPF).
    public static let txt = DNSRecordType(rawValue: 16)
    /// A host address (IPv6, RFC 3596).
    public static let aaaa = DNSRecordType(rawValue: 28)

    public var description: String {
        switch self {
        case .a: "A"
        case .cname: "CNAME"
        case .soa: "SOA"
        case .mx: "MX"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        default: "TYPE\(rawValue)"
        }
    }
}

/// A response code (RFC 1035 §4.1.1, RFC 6895 §2.3). An open set.
public struct DNSResponseCode: Hashable, Sendable, CustomStringConvertible {
    /// The RCODE.
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    /// No error.
    public static let noError = DNSResponseCode(rawValue: 0)
    /// The server could not read the query.
    public static let formatError = DNSResponseCode(rawValue: 1)
    /// The server could not answer (SERVFAIL).
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    /// The name does not exist (NXDOMAIN).
    public static let nameError = DNSResponseCode(rawValue: 3)
    /// The server does not support the query.
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    /// The server refuses to answer.
    public static let refused = DNSResponseCode(rawValue: 5)

    public var description: String {
        switch self {
        case .noError: "NOERROR"
        case .formatError: "FORMERR"
        case .serverFailure: "SERVFAIL"
        case .nameError: "NXDOMAIN"
        case .notImplemented: "NOTIMP"
        case .refused: "REFUSED"
        default: "RCODE\(rawValue)"
        }
    }
}

/// The data of one resource record, decoded for the types Envoi reads.
public enum DNSRecordData: Hashable, Sendable {
    /// An IPv4 address in dotted form.
    case a(String)
    /// An IPv6 address in RFC 5952 text form.
    case aaaa(String)
    /// The canonical name an alias points to, without a final dot.
    case cname(String)
    /// A mail exchanger and its preference (RFC 1035 §3.3.9).
    case mx(preference: UInt16, exchange: String)
    /// The character-strings of a TXT record, in order (RFC 1035 §3.3.14); each decoded as
    /// UTF-8, invalid octets replaced.
    case txt([String])
    /// Any other type: the raw RDATA.
    case other([UInt8])
}

/// One resource record of an answer.
public struct DNSRecord: Hashable, Sendable {
    /// The owner name, lower-cased, without a final dot.
    public let name: String
    /// The record type.
    public let type: DNSRecordType
    /// The time to live in seconds.
    public let ttl: UInt32
    /// The decoded RDATA.
    public let data: DNSRecordData

    public init(name: String, type: DNSRecordType, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.type = type
        self.ttl = ttl
        self.data = data
    }
}

/// A DNS response as the resolver received it: its code and its answer section.
public struct DNSResponse: Hashable, Sendable {
    /// The response code.
    public let code: DNSResponseCode
    /// True when the answer came from an authoritative server (AA bit).
    public let isAuthoritative: Bool
    /// The answer section in the order received (a CNAME chain comes first, RFC 1034 §4.3.2).
    public let answers: [DNSRecord]

    public init(code: DNSResponseCode, isAuthoritative: Bool, answers: [DNSRecord]) {
        self.code = code
        self.isAuthoritative = isAuthoritative
        self.answers = answers
    }

    /// The answers of one type.
    public func records(ofType type: DNSRecordType) -> [DNSRecord] {
        answers.filter { $0.type == type }
    }

    /// The character-strings of each TXT answer owned by `name`.
    public func txtRecords(at name: String) -> [[String]] {
        answers.compactMap { record in
            guard record.name == DNSName.normalized(name), case .txt(let strings) = record.data else { return nil }
            return strings
        }
    }
}

/// Name spelling rules shared by the resolver and its callers.
public enum DNSName {
    /// `name` lower-cased, without its final dot: how names are compared (RFC 4343).
    public static func normalized(_ name: String) -> String {
        var text = name.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
