import EnvoiCore
import Foundation

/// A Message-ID (RFC 5322 §3.6.4) without its angle brackets: `id-left "@" id-right`.
///
/// The HTTPS API takes a caller's id in this form and answers
/// `Message ID not formed per RFC 5322` (BEHAVIOUR §2) when `MessageID(_:)` refuses it.
public struct MessageID: Hashable, Sendable, CustomStringConvertible {
    /// The id, without `<` and `>`.
    public let value: String

    /// The longest id accepted: `Message-ID: <id>` must fit one 998-octet line
    /// (RFC 5322 §2.1.1).
    public static let maximumLength = HeaderFolder.maximumLineLength - "Message-ID: <>".utf8.count

    /// The right-hand side used when the sender's domain cannot be one (an RFC 6531 non-ASCII
    /// domain): `.invalid` is reserved for exactly this (RFC 2606 §2).
    public static let fallbackDomain = "envoi.invalid"

    /// Validates `text` against RFC 5322 §3.6.4 without the obsolete forms:
    /// `id-left = dot-atom-text`, `id-right = dot-atom-text / no-fold-literal`. ASCII only,
    /// no angle brackets, no whitespace, no comments.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= Self.maximumLength,
              let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return nil }
        let left = bytes[..<at]
        let right = bytes[(at + 1)...]
        guard EmailAddress.isDotAtomText(left), EmailAddress.isDotAtomText(right) || Self.isNoFoldLiteral(right) else {
            return nil
        }
        self.value = text
    }

    /// A new id `<uuid>@<domain>`: the left part is a version 7 UUID (RFC 9562 §5.7), unique
    /// without coordination between Envoi nodes and ordered by time, so that the Message-IDs of one
    /// group commit sit together in the store's index on them; `domain` is normally the sender's.
    public static func generate(domain: String, unique: UUID = timeOrderedUUID()) -> MessageID {
        let left = RandomHex.encode(withUnsafeBytes(of: unique.uuid, Array.init), dashesBefore: uuidDashes)
        if let id = MessageID("\(left)@\(domain)") { return id }
        return MessageID(uncheckedValue: "\(left)@\(fallbackDomain)")
    }

    /// A version 7 UUID (RFC 9562 §5.7): 48 bits of Unix time in milliseconds, the version and
    /// variant bits, and 74 random bits.
    public static func timeOrderedUUID(at time: Date = Date()) -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let milliseconds = UInt64(max(0, time.timeIntervalSince1970 * 1000))
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.copyBytes(from: RandomHex.bytes(16))
            for index in 0..<6 { raw[index] = UInt8(truncatingIfNeeded: milliseconds >> UInt64(40 - 8 * index)) }
            raw[6] = 0x70 | (raw[6] & 0x0F)
            raw[8] = 0x80 | (raw[8] & 0x3F)
        }
        return UUID(uuid: bytes)
    }

    /// Where a UUID's text form has its dashes (8-4-4-4-12 hex digits).
    private static let uuidDashes = [4, 6, 8, 10]

    private init(uncheckedValue: String) {
        self.value = uncheckedValue
    }

    /// The form written in a header field: `<id>`.
    public var bracketed: String {
        "<\(value)>"
    }

    /// The id without brackets, as the API returns it.
    public var description: String {
        value
    }

    /// RFC 5322 §3.6.4 no-fold-literal: `"[" *dtext "]"`, dtext = `%d33-90 / %d94-126`.
    private static func isNoFoldLiteral(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else {
            return false
        }
        return bytes.dropFirst().dropLast().allSatisfy { (33...90).contains($0) || (94...126).contains($0) }
    }
}
