import Foundation

/// DKIM selectors and the DNS names a key is published under (RFC 6376 §3.1, §3.6.2.1).
extension ControlPlaneRules {
    /// RFC 1035 §2.3.4: a selector is used as one DNS label, so at most 63 octets.
    public static let maximumSelectorLength = 63

    /// A selector chosen by the user: 1–63 characters of `a-z`, `0-9` and `-`, not starting or
    /// ending with `-` (one LDH label, RFC 1035 §2.3.1). Envoi keeps selectors to one lower-case
    /// label so that the CNAME target `<selector>.<domain>.<publish zone>` stays unambiguous.
    public static func dkimSelector(_ text: String, field: String = "selector") throws(ControlPlaneError) -> String {
        guard !text.isEmpty else { throw .missing(field: field) }
        guard text.utf8.count <= maximumSelectorLength else {
            throw .invalid(field: field, "'\(text)' is longer than \(maximumSelectorLength) characters")
        }
        guard text.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else {
            throw .invalid(field: field, "'\(text)' may hold only lower-case letters a-z, digits and '-'")
        }
        guard !text.hasPrefix("-"), !text.hasSuffix("-") else {
            throw .invalid(field: field, "'\(text)' must not start or end with '-'")
        }
        return text
    }

    /// The selector used when none is given: `envoi-YYYYMMDD` (UTC), so that a rotation made on
    /// another day gets another name.
    public static func defaultDkimSelector(at date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "envoi-%04d%02d%02d", parts.year!, parts.month!, parts.day!)
    }
}

/// The DNS names of one DKIM key: where verifiers look for it, and where Envoi publishes it.
public struct DkimRecordNames: Sendable, Hashable {
    /// The selector (one label).
    public let selector: String
    /// The signing domain (`d=`), lower-cased.
    public let domain: String
    /// The zone under which Envoi publishes TXT records (`dkim.publish_zone`).
    public let publishZone: String

    public init(selector: String, domain: String, publishZone: String) {
        self.selector = selector.lowercased()
        self.domain = domain.lowercased()
        self.publishZone = publishZone.lowercased()
    }

    /// `<selector>._domainkey.<domain>`: the name verifiers query (RFC 6376 §3.6.2.1), the
    /// API's `dnsSubdomainName`.
    public var dnsSubdomainName: String { "\(selector)._domainkey.\(domain)" }

    /// `<selector>.<domain>.<publish zone>`: the CNAME target, where Envoi's zone holds the TXT
    /// record (the API's `cnameRecordValue`).
    public var cnameRecordValue: String { "\(selector).\(domain).\(publishZone)" }
}
