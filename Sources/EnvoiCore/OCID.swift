import Foundation

/// An Oracle-Cloud-style resource identifier: `ocid1.<type>.envoi..<unique>`.
///
/// The cloud SDK refuses a configuration whose `user` and `tenancy` are not OCID-shaped (five or
/// more `.`-separated segments), so every Envoi id has this form. The unique part is 32 lower-case
/// base-32 characters: 10 for the creation time in milliseconds, then 22 random (110 bits).
public struct OCID: Hashable, Sendable, Codable, CustomStringConvertible, Comparable {
    /// The full identifier text.
    public let rawValue: String

    /// The realm segment every Envoi id carries.
    public static let realm = "envoi"

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

    /// Makes a new id of `type`, unguessable and ordered by creation time.
    ///
    /// Time first, as in Postfix's long queue ids and UUIDv7 (RFC 9562): ids made in one group
    /// commit land side by side in every index keyed by them, so a batch of messages dirties a few
    /// B-tree pages instead of one random page per message and index, and the commit writes and
    /// syncs that much less. The random part comes from one read of the system generator, not one
    /// per character.
    public static func generate(_ type: ResourceType, at time: Date = Date()) -> OCID {
        var unique: [UInt8] = []
        unique.reserveCapacity(32)
        let milliseconds = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        for shift in stride(from: 45, through: 0, by: -5) { unique.append(alphabet[Int((milliseconds >> UInt64(shift)) & 31)]) }
        let random = RandomHex.bytes(16)
        for half in [random[..<8], random[8...]] {
            var bits = half.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            for _ in 0..<11 {
                unique.append(alphabet[Int(bits & 31)])
                bits >>= 5
            }
        }
        return OCID(uncheckedRawValue: "ocid1.\(type.rawValue).\(realm)..\(String(decoding: unique, as: UTF8.self))")
    }

    /// Validates `text` as an Envoi OCID, optionally of one `type`.
    public init?(_ text: String, type: ResourceType? = nil) {
        // On the UTF-8 bytes: every request checks a few ids, and Character-level work cost more
        // than the rest of the check.
        let parts = text.utf8.split(separator: UInt8(ascii: "."), maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].elementsEqual("ocid1".utf8), parts[2].elementsEqual(Self.realm.utf8), parts[3].isEmpty,
              let kind = ResourceType(rawValue: String(Substring(parts[1]))),
              type == nil || type == kind,
              (8...64).contains(parts[4].count),
              parts[4].allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        self.rawValue = text
    }

    /// For ids read back from storage, which only ever holds ids Envoi wrote.
    package init(uncheckedRawValue: String) { self.rawValue = uncheckedRawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = OCID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an Envoi OCID: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The resource type named in the id.
    public var type: ResourceType? {
        let parts = rawValue.utf8.split(separator: UInt8(ascii: "."), maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count > 1 ? ResourceType(rawValue: String(Substring(parts[1]))) : nil
    }

    public var description: String { rawValue }

    public static func < (lhs: OCID, rhs: OCID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The resource types that carry OCIDs, spelled as the cloud service spells them in ids.
public enum ResourceType: String, Sendable, CaseIterable, Codable {
    case tenancy
    case compartment
    case user
    case group
    case policy
    case credential
    case apiKey = "apikey"
    case emailDomain = "emaildomain"
    case dkim = "emaildkim"
    case sender = "emailsender"
    case suppression = "emailsuppression"
    case workRequest = "emailworkrequest"
    case message = "emailmessage"

    /// How the CLI and error messages name the type.
    public var displayName: String {
        switch self {
        case .tenancy: "tenancy"
        case .compartment: "compartment"
        case .user: "user"
        case .group: "group"
        case .policy: "policy"
        case .credential: "SMTP credential"
        case .apiKey: "API key"
        case .emailDomain: "email domain"
        case .dkim: "DKIM key"
        case .sender: "approved sender"
        case .suppression: "suppression"
        case .workRequest: "work request"
        case .message: "message"
        }
    }
}
