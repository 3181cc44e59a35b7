/// A DNS host name as RFC 5321 `Domain` allows it: labels of letters, digits and hyphens
/// (RFC 1035 §2.3.1, RFC 1123 §2.1), each 1–63 octets, the whole at most 255, stored lower-cased.
///
/// With `allowUTF8` (RFC 6531) a label may also hold non-ASCII characters (a U-label).
public struct DomainName: Hashable, Sendable, CustomStringConvertible, Comparable {
    /// The name, lower-cased, without a trailing dot.
    public let value: String

    /// RFC 1035 §2.3.4: a label is at most 63 octets.
    public static let maximumLabelLength = 63

    public init?(_ text: String, allowUTF8: Bool = false) {
        var name = text
        if name.hasSuffix(".") { name.removeLast() }
        guard !name.isEmpty, name.utf8.count <= EmailAddress.maximumDomainLength else { return nil }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            let bytes = Array(label.utf8)
            guard !bytes.isEmpty, bytes.count <= Self.maximumLabelLength,
                  bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else { return nil }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                     UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                    continue
                case 0x80...0xFF where allowUTF8:
                    continue
                default:
                    return nil
                }
            }
        }
        self.value = name.lowercased()
    }

    public var description: String { value }

    /// The labels, most specific first.
    public var labels: [Substring] { value.split(separator: ".") }

    /// True when this name has at least two labels and a top-level label that is not all digits:
    /// what the control plane asks of an email domain (`example.com`, not `localhost` or `1.2.3.4`).
    public var isFullyQualified: Bool {
        let labels = self.labels
        guard labels.count >= 2, let top = labels.last else { return false }
        return !top.allSatisfy(\.isNumber)
    }

    /// True when `self` is `other` or a subdomain of it.
    public func isWithin(_ other: DomainName) -> Bool {
        value == other.value || value.hasSuffix("." + other.value)
    }

    public static func < (lhs: DomainName, rhs: DomainName) -> Bool { lhs.value < rhs.value }
}
