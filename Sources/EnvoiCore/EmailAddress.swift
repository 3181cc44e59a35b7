/// A mailbox as RFC 5321 §4.1.2 defines it: `Local-part "@" ( Domain / address-literal )`.
///
/// Parsing is strict because every door (SMTP, HTTPS, the CLI) must refuse the same strings:
/// a malformed address gets `553 <address> Invalid email address` on SMTP and
/// `Invalid email address: <address>` on HTTPS. The domain is lower-cased when stored; the local
/// part keeps its case (RFC 5321 §2.4: only the receiving host may interpret it).
public struct EmailAddress: Hashable, Sendable, CustomStringConvertible {
    /// The local part exactly as written (a quoted string keeps its quotes).
    public let localPart: String
    /// The domain, lower-cased, or an address literal such as `[192.0.2.1]`.
    public let domain: String

    /// RFC 5321 §4.5.3.1.1: local part at most 64 octets.
    public static let maximumLocalPartLength = 64
    /// RFC 5321 §4.5.3.1.2: domain at most 255 octets.
    public static let maximumDomainLength = 255
    /// RFC 5321 §4.5.3.1.3: a path at most 256 octets including the angle brackets.
    public static let maximumAddressLength = 254

    /// Parses `text`; `allowUTF8` admits RFC 6531 (SMTPUTF8) non-ASCII characters.
    public init?(_ text: String, allowUTF8: Bool = false) {
        guard text.utf8.count <= Self.maximumAddressLength,
              let at = text.lastIndex(of: "@") else { return nil }
        let local = String(text[..<at])
        let domainText = String(text[text.index(after: at)...])
        guard Self.isValidLocalPart(local, allowUTF8: allowUTF8) else { return nil }
        if domainText.hasPrefix("[") {
            guard Self.isValidAddressLiteral(domainText) else { return nil }
            self.domain = domainText.lowercased()
        } else {
            guard let name = DomainName(domainText, allowUTF8: allowUTF8) else { return nil }
            self.domain = name.value
        }
        self.localPart = local
    }

    /// The address as `local@domain`, domain lower-cased.
    public var description: String { "\(localPart)@\(domain)" }

    /// The form used for suppression lookups and uniqueness: the whole address lower-cased
    /// (the cloud service lower-cases suppressed addresses and sender addresses compare alike).
    public var normalized: String { description.lowercased() }

    private static let atextSymbols = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    static func isAtext(_ byte: UInt8, allowUTF8: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case 0x80...0xFF:
            return allowUTF8
        default:
            return atextSymbols.contains(byte)
        }
    }

    static func isValidLocalPart(_ local: String, allowUTF8: Bool) -> Bool {
        let bytes = Array(local.utf8)
        guard !bytes.isEmpty, bytes.count <= maximumLocalPartLength else { return false }
        if bytes.first == UInt8(ascii: "\"") {
            return isValidQuotedString(bytes, allowUTF8: allowUTF8)
        }
        return isDotAtomText(bytes[...], allowUTF8: allowUTF8)
    }

    /// RFC 5321 Dot-string and RFC 5322 dot-atom-text, `1*atext *("." 1*atext)`: no leading,
    /// trailing or doubled dot; `allowUTF8` admits non-ASCII bytes (RFC 6531, RFC 6532).
    public static func isDotAtomText(_ bytes: ArraySlice<UInt8>, allowUTF8: Bool = false) -> Bool {
        var previousWasDot = true
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                if previousWasDot { return false }
                previousWasDot = true
            } else {
                guard isAtext(byte, allowUTF8: allowUTF8) else { return false }
                previousWasDot = false
            }
        }
        return !previousWasDot
    }

    /// RFC 5321 Quoted-string: `DQUOTE *(qtextSMTP / "\" %d32-126) DQUOTE`.
    static func isValidQuotedString(_ bytes: [UInt8], allowUTF8: Bool) -> Bool {
        guard bytes.count >= 2, bytes.last == UInt8(ascii: "\"") else { return false }
        var index = 1
        while index < bytes.count - 1 {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard index < bytes.count - 1, (32...126).contains(bytes[index]) else { return false }
            } else if byte == UInt8(ascii: "\"") {
                return false
            } else if !((32...126).contains(byte) || (allowUTF8 && byte >= 0x80)) {
                return false
            }
            index += 1
        }
        return true
    }

    /// RFC 5321 address-literal: `[IPv4]` or `[IPv6:…]`.
    static func isValidAddressLiteral(_ text: String) -> Bool {
        guard text.hasPrefix("["), text.hasSuffix("]"), text.count > 2 else { return false }
        let inner = text.dropFirst().dropLast()
        if inner.lowercased().hasPrefix("ipv6:") {
            let address = inner.dropFirst(5)
            return !address.isEmpty && address.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
                && address.contains(":")
        }
        let parts = inner.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
                && Int(part).map { $0 <= 255 } == true
        }
    }
}
