import Foundation

/// A DKIM key record (RFC 6376 §3.6.1), the TXT value at `<selector>._domainkey.<domain>`,
/// read with a precise diagnosis of what is wrong when it cannot be used.
public struct DKIMKeyRecord: Hashable, Sendable {
    /// The key (`k=` and `p=`).
    public let publicKey: DKIMPublicKey
    /// `h=`: the hash algorithms allowed, nil when all are.
    public let hashAlgorithms: [String]?
    /// `s=`: the service types, nil when all are.
    public let serviceTypes: [String]?
    /// `t=`: the flags, such as `y` (testing) and `s` (strict identity).
    public let flags: [String]
    /// `n=`: notes for people, if any.
    public let notes: String?

    /// The outcome of reading a record: expected outcomes are values.
    public enum ParseResult: Hashable, Sendable {
        /// A usable key.
        case valid(DKIMKeyRecord)
        /// `p=` is empty: the key was revoked (RFC 6376 §3.6.1).
        case revoked
        /// The record cannot be used, for this reason.
        case invalid(DKIMKeyRecordProblem)
    }

    /// The tag names RFC 6376 §3.6.1 defines for key records, used to spot a missing `;`.
    private static let knownTags: Set<String> = ["v", "g", "h", "k", "n", "p", "s", "t"]

    /// Reads the character-strings of one TXT record, joined with nothing between them
    /// (RFC 6376 §3.6.2.2).
    public static func parse(characterStrings: [String]) -> ParseResult {
        parse(characterStrings.joined())
    }

    /// Reads a key record's text. Unknown tags are ignored (RFC 6376 §3.2); FWS is allowed
    /// around tags and inside `p=`.
    public static func parse(_ text: String) -> ParseResult {
        let tagList: TagList
        switch TagList.parse(text) {
        case .tags(let tags): tagList = tags
        case .invalid(.empty): return .invalid(.empty)
        case .invalid(.missingEquals(let part)): return .invalid(.malformedTag(part))
        case .invalid(.invalidName(let name)): return .invalid(.invalidTagName(name))
        case .invalid(.duplicate(let name)): return .invalid(.duplicateTag(name))
        }
        if let problem = missingSemicolon(in: tagList) { return .invalid(problem) }
        if let version = tagList["v"] {
            guard tagList.tags.first?.name == "v" else { return .invalid(.versionNotFirst) }
            guard version == "DKIM1" else { return .invalid(.unsupportedVersion(version)) }
        }
        let keyTag = tagList["k"] ?? DKIMKeyType.rsa.keyTag
        guard let keyType = DKIMKeyType(rawValue: keyTag.lowercased()) else { return .invalid(.unknownKeyType(keyTag)) }
        let hashes = tagList["h"].map(colonList)
        if let hashes, !hashes.contains(where: { $0.lowercased() == "sha256" }) {
            return .invalid(.sha256NotAllowed(hashes))
        }
        let services = tagList["s"].map(colonList)
        if let services, !services.contains(where: { $0 == "*" || $0.lowercased() == "email" }) {
            return .invalid(.notForEmail(services))
        }
        guard let p = tagList["p"] else { return .invalid(.missingPublicKey) }
        let base64 = p.removingFoldingWhitespace()
        if base64.isEmpty { return .revoked }
        switch readKey(base64, declared: keyType) {
        case .key(let key):
            return .valid(DKIMKeyRecord(
                publicKey: key, hashAlgorithms: hashes, serviceTypes: services,
                flags: tagList["t"].map(colonList) ?? [], notes: tagList["n"]))
        case .problem(let problem):
            return .invalid(problem)
        }
    }

    /// True when the record is a test record (`t=y`): verifiers treat failures leniently.
    public var isTesting: Bool { flags.contains("y") }

    /// `colon-separated` lists (`h=sha1:sha256`, `s=email`, `t=y:s`), trimmed.
    private static func colonList(_ value: String) -> [String] {
        value.split(separator: ":").map { String($0.trimmingFoldingWhitespace()) }.filter { !$0.isEmpty }
    }

    /// A tag whose value holds whitespace followed by `name=value` of a key-record tag.
    private static func missingSemicolon(in tagList: TagList) -> DKIMKeyRecordProblem? {
        for tag in tagList.tags {
            let pieces = tag.value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r\n" || $0 == "\n" })
            for piece in pieces.dropFirst() {
                guard let equals = piece.firstIndex(of: "=") else { continue }
                let name = String(piece[..<equals])
                let rest = piece[piece.index(after: equals)...]
                if knownTags.contains(name), !rest.isEmpty, !rest.allSatisfy({ $0 == "=" }) {
                    return .missingSemicolon(after: tag.name, before: name)
                }
            }
        }
        return nil
    }
}

/// What is wrong with a DKIM key record, precisely enough for the DNS checker to tell the
/// domain owner which mistake to fix (BEHAVIOUR §5: NEEDS_ATTENTION "with a precise reason").
public enum DKIMKeyRecordProblem: Hashable, Sendable, CustomStringConvertible {
    /// The TXT value is empty or only whitespace.
    case empty
    /// A part between semicolons has no `=` (RFC 6376 §3.2).
    case malformedTag(String)
    /// A tag name is not `ALPHA *(ALPHA / DIGIT / "_")` (RFC 6376 §3.2).
    case invalidTagName(String)
    /// A tag appears twice, which voids the record (RFC 6376 §3.2).
    case duplicateTag(String)
    /// A tag's value runs into the next tag: a `;` is missing between them
    /// (`k=rsa p=…` reads as `k` with the value `rsa p=…`).
    case missingSemicolon(after: String, before: String)
    /// `v=` is present but not the first tag (RFC 6376 §3.6.1).
    case versionNotFirst
    /// `v=` is not `DKIM1` (RFC 6376 §3.6.1: the record MUST be discarded).
    case unsupportedVersion(String)
    /// `k=` names a key type Envoi does not know.
    case unknownKeyType(String)
    /// There is no `p=` tag (RFC 6376 §3.6.1: required).
    case missingPublicKey
    /// `p=` holds characters that are not base64 (quotes or backslashes from a zone file,
    /// for instance).
    case publicKeyNotBase64
    /// `p=` is cut short: the key needs `expectedOctets` and only `actualOctets` are there
    /// (often a long record published as its first 255-octet string only).
    case publicKeyTruncated(DKIMKeyType, expectedOctets: Int, actualOctets: Int)
    /// `p=` decodes but is not a key of the declared type.
    case invalidPublicKey(DKIMKeyType)
    /// `p=` is a valid key of another type than `k=` declares (an Ed25519 key without
    /// `k=ed25519`, an RSA key with it).
    case keyTypeMismatch(declared: DKIMKeyType, found: DKIMKeyType)
    /// The RSA key is shorter than RFC 8301 §3.2 allows (1024 bits).
    case keyTooShort(bits: Int)
    /// `h=` lists hash algorithms and none of them is sha256.
    case sha256NotAllowed([String])
    /// `s=` lists service types and neither `*` nor `email` is among them.
    case notForEmail([String])

    /// A sentence for the console and the API's `lifecycleDetails`.
    public var description: String {
        switch self {
        case .empty: "The DKIM record is empty."
        case .malformedTag(let text): "The DKIM record has a part without '=': \(text)."
        case .invalidTagName(let name): "The DKIM record has an invalid tag name: \(name)."
        case .duplicateTag(let name): "The DKIM record has the tag \(name)= twice."
        case .missingSemicolon(let after, let before):
            "A ';' is missing between the \(after)= and \(before)= tags of the DKIM record."
        case .versionNotFirst: "v=DKIM1 must be the first tag of the DKIM record."
        case .unsupportedVersion(let version): "The DKIM record has v=\(version); it must be v=DKIM1."
        case .unknownKeyType(let type): "The DKIM record has an unknown key type k=\(type)."
        case .missingPublicKey: "The DKIM record has no p= tag with the public key."
        case .publicKeyNotBase64: "The p= value of the DKIM record is not valid base64."
        case .publicKeyTruncated(let type, let expected, let actual):
            "The \(type.rawValue) public key in p= is truncated: \(actual) of \(expected) octets."
        case .invalidPublicKey(let type): "The p= value of the DKIM record is not a valid \(type.rawValue) key."
        case .keyTypeMismatch(let declared, let found):
            "The DKIM record declares k=\(declared.rawValue) but p= holds an \(found.rawValue) key."
        case .keyTooShort(let bits): "The RSA key in the DKIM record has \(bits) bits; at least 1024 are required."
        case .sha256NotAllowed(let list): "The DKIM record's h=\(list.joined(separator: ":")) does not allow sha256."
        case .notForEmail(let list): "The DKIM record's s=\(list.joined(separator: ":")) does not allow email."
        }
    }
}
