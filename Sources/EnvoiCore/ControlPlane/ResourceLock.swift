import Foundation

/// A lock on a resource (spec/OCI-API.md §4.2 `ResourceLock`): a FULL lock refuses every change
/// and the deletion, a DELETE lock only the deletion, unless the request says `isLockOverride`.
public struct ResourceLock: Sendable, Codable, Equatable {
    /// `ResourceLock.type`.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case full = "FULL", delete = "DELETE"
    }

    public var type: Kind
    public var compartmentId: OCID
    public var relatedResourceId: String?
    public var message: String?
    public var timeCreated: Date

    public init(type: Kind, compartmentId: OCID, relatedResourceId: String? = nil, message: String? = nil, timeCreated: Date) {
        self.type = type
        self.compartmentId = compartmentId
        self.relatedResourceId = relatedResourceId
        self.message = message
        self.timeCreated = timeCreated
    }
}

extension ControlPlaneRules {
    /// The lock that forbids the operation, if any: any lock forbids a deletion, a FULL lock also
    /// forbids an update or a move. `override` (the request's `isLockOverride`) lifts them.
    public static func blockingLock(_ locks: [ResourceLock], deleting: Bool, override: Bool) -> ResourceLock? {
        guard !override else { return nil }
        return locks.first { $0.type == .full || deleting }
    }
}

extension ResourceLock {
    /// The locks of a sender or email domain row (a JSON array column).
    package static func decoded(_ text: String?) -> [ResourceLock] {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return (try? decoder.decode([ResourceLock].self, from: Data((text ?? "[]").utf8))) ?? []
    }

    /// The JSON array column for `locks`.
    package static func encoded(_ locks: [ResourceLock]) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(locks), as: UTF8.self)
    }
}
