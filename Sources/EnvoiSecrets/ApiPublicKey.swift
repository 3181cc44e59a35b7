import _CryptoExtras
import Crypto
import EnvoiCore

/// An API signing key's public half (request signing, spec/OCI-API.md §7) as every backend
/// registers it: validated and fingerprinted here once, so that SQLite and PostgreSQL accept the
/// same keys and find them under the same `keyId` fingerprint the SDK sends.
public struct ApiPublicKey: Sendable {
    /// The smallest RSA modulus accepted: NIST SP 800-131A disallows shorter signing keys.
    public static let minimumBits = 2048

    public let key: _RSA.Signing.PublicKey
    /// The SDK's fingerprint of `key` (`ApiKey.fingerprint`).
    public let fingerprint: String

    /// The key in `publicKeyPEM` (SubjectPublicKeyInfo or PKCS#1), or the refusal the API gives.
    public init(pem publicKeyPEM: String) throws(ControlPlaneError) {
        let key: _RSA.Signing.PublicKey
        do {
            key = try _RSA.Signing.PublicKey(pemRepresentation: publicKeyPEM)
        } catch {
            throw .invalid(field: "public-key", "not an RSA public key in PEM form")
        }
        guard key.keySizeInBits >= Self.minimumBits else {
            throw .invalid(field: "public-key", "RSA keys must have at least \(Self.minimumBits) bits (this one has \(key.keySizeInBits))")
        }
        self.key = key
        self.fingerprint = Self.fingerprint(of: key)
    }

    /// The key as stored (sealed) and handed to the signature verifier: SubjectPublicKeyInfo PEM.
    public var pemRepresentation: String { key.pemRepresentation }

    /// The SDK's fingerprint: MD5 of the DER SubjectPublicKeyInfo, lower-case colon-separated hex.
    public static func fingerprint(of key: _RSA.Signing.PublicKey) -> String {
        Insecure.MD5.hash(data: key.derRepresentation).hexEncoded(separator: ":")
    }
}
