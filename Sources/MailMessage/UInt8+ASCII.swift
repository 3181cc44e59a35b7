/// ASCII constants and classes shared by the MailMessage and DKIM targets.
package extension UInt8 {
    /// Carriage return, `%x0D`.
    static let cr: UInt8 = 0x0D
    /// Line feed, `%x0A`.
    static let lf: UInt8 = 0x0A
    /// Space, `%x20`.
    static let space: UInt8 = 0x20
    /// Horizontal tab, `%x09`.
    static let tab: UInt8 = 0x09
    /// `:`, the end of a field name.
    static let colon: UInt8 = 0x3A
    /// `;`, the tag separator of DKIM tag-lists.
    static let semicolon: UInt8 = 0x3B
    /// `=`.
    static let equals: UInt8 = 0x3D

    /// RFC 5234 WSP: space or horizontal tab.
    var isWhitespace: Bool { self == .space || self == .tab }

    /// RFC 5322 §3.6.8 ftext: printable US-ASCII except `:`.
    var isFieldNameCharacter: Bool { (33...126).contains(self) && self != .colon }

    /// RFC 5322 §3.2.3 atext (ASCII only).
    var isAtext: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Self.atextSymbols.contains(self)
        }
    }

    /// Upper-case hexadecimal digits, for `=XX` escapes (RFC 2045 §6.7, RFC 2047 §4.2).
    static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The value of a hexadecimal digit of either case, or nil.
    var hexValue: UInt8? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): self - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): self - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): self - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static let atextSymbols: Set<UInt8> = Set("!#$%&'*+-/=?^_`{|}~".utf8)
}
