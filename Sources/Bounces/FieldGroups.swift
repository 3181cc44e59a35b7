import Foundation

/// The body of a `message/delivery-status` or `message/feedback-report` part: groups of
/// header-style fields separated by blank lines (RFC 3464 §2.1, RFC 5965 §3.1).
///
/// Names are lower-cased; a folded line (starting with white space) continues the field before
/// it (RFC 5322 §2.2.3); within a group the first occurrence of a name wins.
enum FieldGroups {
    static func parse(_ bytes: [UInt8]) -> [[String: String]] {
        var groups: [[String: String]] = []
        var group: [String: String] = [:]
        var last: String?
        let text = String(decoding: bytes, as: UTF8.self)
        // CRLF is one Character in Swift, so lines are split on every kind of line break.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !group.isEmpty { groups.append(group) }
                group = [:]
                last = nil
            } else if line.first == " " || line.first == "\t" {
                if let name = last { group[name, default: ""] += " " + line.trimmingCharacters(in: .whitespaces) }
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if group[name] == nil {
                    group[name] = value
                    last = name
                } else {
                    last = nil
                }
            }
        }
        if !group.isEmpty { groups.append(group) }
        return groups
    }

    /// The value of a typed field (`rfc822; user@example.org`, `dns; mx.example.org`,
    /// `smtp; 550 5.1.1 …`) without its type, as RFC 3464 §2.1.2 writes them.
    static func untyped(_ value: String?) -> String? {
        guard let value else { return nil }
        guard let semicolon = value.firstIndex(of: ";") else { return value }
        let rest = value[value.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
        return rest.isEmpty ? nil : rest
    }
}
