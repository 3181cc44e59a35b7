import Crypto
import EnvoiCore
import Foundation

/// VERP return paths: the envelope sender `bounces+<token>@<return-path domain>` that delivery
/// uses when `delivery.return_path_domain` is set, so that an asynchronous bounce (RFC 3464) or
/// a feedback report (RFC 5965) sent back to it names the message and the recipient it is about.
///
/// The token is `<unique part of the queue id>-<tag>`: 32 base-32 characters of the message's
/// OCID, then 16 base-32 characters (80 bits) of HMAC-SHA256 over the queue id and the
/// recipient, keyed by a key derived (HKDF) from the data directory's master key.
///
/// Why a MAC and not a plain recipient index: the return-path domain accepts mail without
/// authentication, so anyone can send it a report. With a bare id (or id + index) an attacker
/// who saw one envelope sender — every recipient of a message sees it in `Return-Path` — could
/// craft reports for the other recipients, or guess ids, and suppress people at will. With the
/// tag, a report suppresses exactly the recipient whose copy carried that return path; a token
/// cannot be made for another recipient or message without the key. The recipient itself is not
/// in the token (it is matched against the message's recipients in the store), so the return
/// path does not disclose the other recipients' addresses, and the report's own (forgeable)
/// `Final-Recipient` field is never trusted to say whom to suppress.
public struct ReturnPath: Sendable {
    /// The local part before the token.
    public static let localPartPrefix = "bounces+"
    /// Bytes of the HMAC kept in the token: 80 bits, 16 base-32 characters, so that the local
    /// part stays within RFC 5321 §4.5.3.1.1's 64 octets (8 + 32 + 1 + 16 = 57).
    static let tagByteCount = 10
    /// The OCID prefix of every queue id (`QueuedMessage.makeQueueID()`).
    static let queueIDPrefix = "ocid1.\(ResourceType.message.rawValue).\(OCID.realm).."

    /// The return-path domain, lower-cased.
    public let domain: String
    private let key: SymmetricKey

    /// A return path in `domain`, its tags keyed by a key derived from `masterKey` (so there is
    /// no other secret to keep, and a new data directory invalidates old tokens).
    public init(domain: String, masterKey: SymmetricKey) {
        self.domain = domain.lowercased()
        self.key = HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data("envoi return-path tag v1".utf8),
                                          outputByteCount: 32)
    }

    /// A decoded token: the queue id it names and its tag, not yet checked against a recipient.
    public struct Token: Hashable, Sendable {
        /// The queue id of the original message.
        public let queueID: String
        let tag: [UInt8]
    }

    /// The envelope sender for the copy of message `queueID` sent to `recipient`; nil when the
    /// queue id is not one Envoi makes (then the original sender is used).
    public func address(queueID: String, recipient: String) -> String? {
        guard queueID.hasPrefix(Self.queueIDPrefix) else { return nil }
        let unique = queueID.dropFirst(Self.queueIDPrefix.count)
        guard unique.count == 32, unique.allSatisfy({ Base32.alphabet.contains($0) }) else { return nil }
        let tag = Base32.encode(self.tag(queueID: queueID, recipient: recipient))
        return "\(Self.localPartPrefix)\(unique)-\(tag)@\(domain)"
    }

    /// True when `address` is in the return-path domain (whatever its local part).
    public func isInDomain(_ address: EmailAddress) -> Bool {
        address.domain == domain
    }

    /// Decodes the token of `address`; nil when it is not in the domain or not well formed.
    /// Local parts are compared without case: some MTAs change it.
    public func token(of address: EmailAddress) -> Token? {
        guard isInDomain(address) else { return nil }
        let local = address.localPart.lowercased()
        guard local.hasPrefix(Self.localPartPrefix) else { return nil }
        let parts = local.dropFirst(Self.localPartPrefix.count).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 32, parts[0].allSatisfy({ Base32.alphabet.contains($0) }),
              let tag = Base32.decode(parts[1]), tag.count == Self.tagByteCount else { return nil }
        return Token(queueID: Self.queueIDPrefix + parts[0], tag: tag)
    }

    /// The recipient among `candidates` (the message's recipients) whose tag is the token's;
    /// nil when none is (a forged or altered token). Tags are compared in constant time.
    public func recipient(of token: Token, among candidates: [String]) -> String? {
        candidates.first { candidate in
            let expected = tag(queueID: token.queueID, recipient: candidate)
            return expected.count == token.tag.count && zip(expected, token.tag).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
        }
    }

    private func tag(queueID: String, recipient: String) -> [UInt8] {
        // The recipient is lower-cased as the suppression list keys it; NUL cannot occur in either.
        let input = Data((queueID + "\u{0}" + recipient.lowercased()).utf8)
        return Array(HMAC<SHA256>.authenticationCode(for: input, using: key).prefix(Self.tagByteCount))
    }
}

/// Lower-case base 32 (RFC 4648 §6 alphabet, no padding), the alphabet of OCIDs: safe in a
/// local part, and case-insensitive once lower-cased.
enum Base32 {
    static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")

    static func encode(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer = 0
        var bits = 0
        for character in text {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = ((buffer << 5) | value) & 0xFFFF
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> (bits - 8)) & 0xFF))
                bits -= 8
            }
        }
        return output
    }
}
