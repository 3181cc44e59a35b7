import Foundation
import MailMessage

/// A DKIM-Signature field read and checked as RFC 6376 §6.1.1 asks before any key lookup.
public struct DKIMSignature: Hashable, Sendable {
    /// The key type named by `a=`.
    public let keyType: DKIMKeyType
    /// `c=` (simple/simple when absent).
    public let canonicalization: Canonicalization
    /// `d=`, the signing domain.
    public let domain: String
    /// `s=`, the selector.
    public let selector: String
    /// `h=`, the signed field names in order.
    public let signedHeaderNames: [String]
    /// `bh=`, the body hash.
    public let bodyHash: [UInt8]
    /// `b=`, the signature.
    public let signature: [UInt8]
    /// `t=`, the signing time in seconds since 1970, if given.
    public let timestamp: Int?
    /// `x=`, the expiry time, if given.
    public let expiration: Int?
    /// `l=`, the signed body length, if given.
    public let bodyLength: Int?
    /// `i=`, the agent or user identifier, if given.
    public let identity: String?

    /// The DNS name of the key record: `<selector>._domainkey.<domain>` (RFC 6376 §3.6.2.1).
    public var keyRecordName: String {
        "\(selector)._domainkey.\(domain)"
    }

    /// The outcome of reading a field.
    public enum ParseResult: Hashable, Sendable {
        /// A signature that can be verified.
        case valid(DKIMSignature)
        /// A signature that cannot, and why (a `malformedSignature`, `unsupportedAlgorithm` or
        /// `fromNotSigned` failure).
        case invalid(DKIMVerificationFailure)
    }

    /// Reads `field`'s tag-list (RFC 6376 §3.5) and applies the checks of §6.1.1: required
    /// tags, `v=1`, a known algorithm, From among the signed fields, `i=` within `d=`, and
    /// `q=` naming dns/txt.
    public static func parse(_ field: HeaderField) -> ParseResult {
        func malformed(_ detail: String) -> ParseResult { .invalid(.malformedSignature(detail)) }
        guard case .tags(let tags) = TagList.parse(field.value) else { return malformed("not a tag-list") }
        for required in ["v", "a", "b", "bh", "d", "h", "s"] where tags[required] == nil {
            return malformed("\(required)= missing")
        }
        guard tags["v"] == "1" else { return malformed("v= is not 1") }
        guard let algorithm = tags["a"], let keyType = DKIMKeyType(algorithmTag: algorithm) else {
            return .invalid(.unsupportedAlgorithm(tags["a"] ?? ""))
        }
        guard let canonicalization = tags["c"].map(Canonicalization.init(tagValue:)) ?? Canonicalization(header: .simple, body: .simple) else {
            return malformed("c= is not a canonicalization")
        }
        let names = (tags["h"] ?? "").split(separator: ":").map { String($0.trimmingFoldingWhitespace()).lowercased() }
        guard names.contains("from") else { return .invalid(.fromNotSigned) }
        guard let bodyHash = Data(base64Encoded: tags["bh"]?.removingFoldingWhitespace() ?? ""),
              let signature = Data(base64Encoded: tags["b"]?.removingFoldingWhitespace() ?? "") else {
            return malformed("bh= or b= is not base64")
        }
        let domain = (tags["d"] ?? "").lowercased()
        if let identity = tags["i"] {
            let identityDomain = identity.split(separator: "@", omittingEmptySubsequences: false).last.map { $0.lowercased() } ?? ""
            guard identityDomain == domain || identityDomain.hasSuffix("." + domain) else {
                return malformed("i= is not within d=")
            }
        }
        if let query = tags["q"], !query.split(separator: ":").contains(where: { $0.lowercased().hasPrefix("dns/txt") }) {
            return malformed("q= does not allow dns/txt")
        }
        var numbers: [String: Int] = [:]
        for name in ["t", "x", "l"] {
            guard let text = tags[name] else { continue }
            guard let number = Int(text), number >= 0 else { return malformed("\(name)= is not a number") }
            numbers[name] = number
        }
        let (timestamp, expiration, length) = (numbers["t"], numbers["x"], numbers["l"])
        if let timestamp, let expiration, expiration < timestamp { return malformed("x= is before t=") }
        return .valid(DKIMSignature(
            keyType: keyType, canonicalization: canonicalization, domain: domain,
            selector: (tags["s"] ?? "").lowercased(), signedHeaderNames: names, bodyHash: Array(bodyHash),
            signature: Array(signature), timestamp: timestamp, expiration: expiration, bodyLength: length,
            identity: tags["i"]))
    }
}
