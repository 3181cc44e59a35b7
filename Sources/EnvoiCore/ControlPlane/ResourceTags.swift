import Foundation

/// A resource's tags (spec/OCI-API.md §4.2): free-form `key: value` pairs and defined tags
/// grouped by namespace. Envoi keeps them as given and returns them; nothing else reads them.
public struct ResourceTags: Sendable, Codable, Equatable {
    /// `freeformTags`.
    public var freeform: [String: String]
    /// `definedTags`: namespace → key → value.
    public var defined: [String: [String: String]]

    /// No tags.
    public static let none = ResourceTags()

    public init(freeform: [String: String] = [:], defined: [String: [String: String]] = [:]) {
        self.freeform = freeform
        self.defined = defined
    }

    /// The two JSON columns of a sender, email domain or DKIM key row in every backend, keys
    /// sorted so that equal tags are stored equally.
    package var columns: (freeform: String, defined: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (String(decoding: (try? encoder.encode(freeform)) ?? Data("{}".utf8), as: UTF8.self),
                String(decoding: (try? encoder.encode(defined)) ?? Data("{}".utf8), as: UTF8.self))
    }

    /// The tags of the two JSON columns `columns` writes (none for a column that is missing or
    /// does not decode).
    package init(columns freeform: String?, defined: String?) {
        let decoder = JSONDecoder()
        self.init(freeform: (try? decoder.decode([String: String].self, from: Data((freeform ?? "{}").utf8))) ?? [:],
                  defined: (try? decoder.decode([String: [String: String]].self, from: Data((defined ?? "{}").utf8))) ?? [:])
    }
}

extension ControlPlaneRules {
    /// The most tags one resource carries (free-form and defined together), as the cloud service.
    public static let maximumTags = 64
    /// The longest tag key or namespace, in characters.
    public static let maximumTagKeyLength = 100
    /// The longest tag value, in characters.
    public static let maximumTagValueLength = 256

    /// Checks tags before they are stored: bounded in count and size, keys without spaces,
    /// dots or control characters (a namespace and a key are joined with a dot elsewhere).
    public static func tags(_ tags: ResourceTags) throws(ControlPlaneError) -> ResourceTags {
        let count = tags.freeform.count + tags.defined.values.reduce(0) { $0 + $1.count }
        guard count <= maximumTags else { throw .invalid(field: "tags", "more than \(maximumTags) tags") }
        for (key, value) in tags.freeform {
            try tagKey(key, field: "freeformTags")
            try tagValue(value, key: key, field: "freeformTags")
        }
        for (namespace, pairs) in tags.defined {
            try tagKey(namespace, field: "definedTags")
            for (key, value) in pairs {
                try tagKey(key, field: "definedTags.\(namespace)")
                try tagValue(value, key: key, field: "definedTags.\(namespace)")
            }
        }
        return tags
    }

    private static func tagKey(_ key: String, field: String) throws(ControlPlaneError) {
        guard (1...maximumTagKeyLength).contains(key.count) else {
            throw .invalid(field: field, "a key must have 1 to \(maximumTagKeyLength) characters")
        }
        guard !key.unicodeScalars.contains(where: { $0 == " " || $0 == "." || $0.properties.generalCategory == .control }) else {
            throw .invalid(field: field, "the key \"\(key)\" contains a space, a dot or a control character")
        }
    }

    private static func tagValue(_ value: String, key: String, field: String) throws(ControlPlaneError) {
        guard value.count <= maximumTagValueLength else {
            throw .invalid(field: field, "the value of \"\(key)\" is longer than \(maximumTagValueLength) characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid(field: field, "the value of \"\(key)\" contains a control character")
        }
    }
}
