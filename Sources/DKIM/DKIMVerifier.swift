import Foundation
import MailMessage

/// Verifies DKIM signatures (RFC 6376 §6.1) against a key record the caller has looked up:
/// for the DNS checker's diagnostics and for tests. No DNS here; the caller finds the record at
/// `DKIMSignature.keyRecordName`.
public enum DKIMVerifier {
    /// Verifies the `signatureIndex`-th DKIM-Signature field from the top of `message` with the
    /// key record text `keyRecord`; `now`, when given, is checked against `x=`.
    public static func verify(_ message: [UInt8], keyRecord: String, signatureIndex: Int = 0, now: Date? = nil) -> DKIMVerificationResult {
        guard let parsed = try? ParsedMessage(parsing: message) else { return .fail(.unparseableMessage) }
        return verify(parsed, keyRecord: DKIMKeyRecord.parse(keyRecord), signatureIndex: signatureIndex, now: now)
    }

    /// Verifies a signature of a parsed message with an already parsed key record.
    public static func verify(
        _ message: ParsedMessage, keyRecord: DKIMKeyRecord.ParseResult, signatureIndex: Int = 0, now: Date? = nil
    ) -> DKIMVerificationResult {
        let positions = message.header.fields.indices.filter { message.header.fields[$0].hasName("DKIM-Signature") }
        guard signatureIndex >= 0, signatureIndex < positions.count else { return .fail(.noSignature) }
        let position = positions[signatureIndex]
        let field = message.header.fields[position]

        let signature: DKIMSignature
        switch DKIMSignature.parse(field) {
        case .valid(let value): signature = value
        case .invalid(let failure): return .fail(failure)
        }
        let key: DKIMPublicKey
        switch keyRecord {
        case .valid(let record):
            key = record.publicKey
            // RFC 6376 §3.6.1 t=s: the i= domain must be d= itself, not a subdomain of it.
            if record.flags.contains("s"), let identity = signature.identity,
               identity.split(separator: "@", omittingEmptySubsequences: false).last?.lowercased() != signature.domain {
                return .fail(.strictIdentityMismatch)
            }
        case .revoked: return .fail(.keyRevoked)
        case .invalid(let problem): return .fail(.keyRecord(problem))
        }
        guard key.keyType == signature.keyType else {
            return .fail(.keyTypeMismatch(signature: signature.keyType, record: key.keyType))
        }
        if let expiration = signature.expiration, let now, Int(now.timeIntervalSince1970) > expiration {
            return .fail(.expired)
        }

        let bodyAlgorithm = signature.canonicalization.body
        let bodyHash = signature.bodyLength.map { length in
            SigningInput.bodyHash(message.body, algorithm: bodyAlgorithm, length: length)
        } ?? SigningInput.bodyHash(message.body, algorithm: bodyAlgorithm)
        guard let bodyHash else { return .fail(.bodyTooShort) }
        guard bodyHash == signature.bodyHash else { return .fail(.bodyHashMismatch) }

        let selected = SigningInput.selectFields(message.header, names: signature.signedHeaderNames, excluding: position)
        let data = SigningInput.headerData(
            selected, signatureField: SigningInput.removingSignatureValue(field),
            algorithm: signature.canonicalization.header)
        guard key.isValidSignature(signature.signature, for: data) else { return .fail(.signatureMismatch) }
        return .pass(signature)
    }
}

/// The outcome of verifying one DKIM signature: a value, since failing is an expected outcome.
public enum DKIMVerificationResult: Hashable, Sendable {
    /// The signature verifies with the key record given.
    case pass(DKIMSignature)
    /// The signature does not verify, for this reason.
    case fail(DKIMVerificationFailure)

    /// True for `pass`.
    public var passed: Bool {
        if case .pass = self { return true }
        return false
    }
}

/// Why a DKIM signature does not verify (RFC 6376 §6.1, §6.3), for diagnostics.
public enum DKIMVerificationFailure: Hashable, Sendable, CustomStringConvertible {
    /// The message has no readable header section.
    case unparseableMessage
    /// The message has no DKIM-Signature field at the position asked for.
    case noSignature
    /// The DKIM-Signature field breaks RFC 6376 §3.5 or §6.1.1, as described.
    case malformedSignature(String)
    /// `a=` names an algorithm Envoi does not verify (rsa-sha1 is retired by RFC 8301).
    case unsupportedAlgorithm(String)
    /// `h=` does not include From (RFC 6376 §5.4: From MUST be signed).
    case fromNotSigned
    /// The key record cannot be used.
    case keyRecord(DKIMKeyRecordProblem)
    /// The key record's `p=` is empty: the key is revoked.
    case keyRevoked
    /// The record has `t=s` but `i=` names a subdomain of `d=` (RFC 6376 §3.6.1).
    case strictIdentityMismatch
    /// The record holds a key of another type than `a=` needs.
    case keyTypeMismatch(signature: DKIMKeyType, record: DKIMKeyType)
    /// `x=` has passed.
    case expired
    /// `l=` is longer than the body.
    case bodyTooShort
    /// The body hash differs from `bh=`: the body changed after signing.
    case bodyHashMismatch
    /// The header signature does not verify: a signed field changed, or another key signed.
    case signatureMismatch

    /// A sentence for logs and the console.
    public var description: String {
        switch self {
        case .unparseableMessage: "The message has no readable header section."
        case .noSignature: "The message has no DKIM-Signature field."
        case .malformedSignature(let detail): "The DKIM-Signature field is malformed: \(detail)."
        case .unsupportedAlgorithm(let algorithm): "The signature algorithm a=\(algorithm) is not supported."
        case .fromNotSigned: "The DKIM signature does not cover the From field."
        case .keyRecord(let problem): problem.description
        case .keyRevoked: "The DKIM key has been revoked (empty p=)."
        case .strictIdentityMismatch: "The key record has t=s but i= is a subdomain of d=."
        case .keyTypeMismatch(let signature, let record):
            "The signature needs an \(signature.rawValue) key but the record holds an \(record.rawValue) key."
        case .expired: "The DKIM signature has expired."
        case .bodyTooShort: "The body is shorter than the signature's l= length."
        case .bodyHashMismatch: "The body hash does not match: the body changed after signing."
        case .signatureMismatch: "The signature does not verify: a signed field changed or another key signed."
        }
    }
}
