import Crypto
import _CryptoExtras
import Foundation

/// A DKIM public key: what a key record's `p=` holds and what verifies a signature.
///
/// Equality compares the key type and the canonical octets (SubjectPublicKeyInfo DER for RSA,
/// the 32 raw octets for Ed25519), so one RSA key published as PKCS#1 or as SPKI compares equal.
public struct DKIMPublicKey: Hashable, Sendable {
    /// The key type.
    public let keyType: DKIMKeyType
    /// The octets `p=` carries: RSA SubjectPublicKeyInfo DER, or the Ed25519 raw key
    /// (RFC 8463 §4).
    public let bytes: [UInt8]

    /// RFC 8301 §3.2: verifiers accept RSA keys from 1024 bits.
    public static let minimumVerifiableRSABits = 1024

    /// Reads `bytes` as a key of `keyType`; nil when they are not one. An RSA key may be SPKI
    /// (what RFC 6376 §3.6.1 means in practice) or a bare PKCS#1 RSAPublicKey.
    public init?(keyType: DKIMKeyType, bytes: [UInt8]) {
        switch keyType {
        case .rsa:
            guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: bytes) else { return nil }
            self.bytes = Array(key.derRepresentation)
        case .ed25519:
            guard bytes.count == 32, (try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)) != nil else {
                return nil
            }
            self.bytes = bytes
        }
        self.keyType = keyType
    }

    init(rsa key: _RSA.Signing.PublicKey) {
        self.keyType = .rsa
        self.bytes = Array(key.derRepresentation)
    }

    init(ed25519 key: Curve25519.Signing.PublicKey) {
        self.keyType = .ed25519
        self.bytes = Array(key.rawRepresentation)
    }

    /// The key size in bits: the RSA modulus length, or 256 for Ed25519.
    public var keySizeInBits: Int {
        switch keyType {
        case .rsa: (try? _RSA.Signing.PublicKey(unsafeDERRepresentation: bytes))?.keySizeInBits ?? 0
        case .ed25519: 256
        }
    }

    /// The `p=` value: base64 of `bytes`.
    public var base64: String {
        Data(bytes).base64EncodedString()
    }

    /// The TXT record to publish at `<selector>._domainkey.<domain>` (RFC 6376 §3.6.1):
    /// `v=DKIM1; k=rsa; p=…` or `v=DKIM1; k=ed25519; p=…`.
    public var txtRecordValue: String {
        "v=DKIM1; k=\(keyType.keyTag); p=\(base64)"
    }

    /// True when `signature` is this key's signature of the canonicalised header `data`:
    /// RSASSA-PKCS1-v1_5 over SHA-256 (RFC 6376 §3.3.1), or Ed25519 over the SHA-256 digest of
    /// `data` (RFC 8463 §3: PureEdDSA of the hash, not of the data).
    func isValidSignature(_ signature: [UInt8], for data: [UInt8]) -> Bool {
        let digest = SHA256.hash(data: data)
        switch keyType {
        case .rsa:
            guard let key = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: bytes),
                  key.keySizeInBits >= Self.minimumVerifiableRSABits else { return false }
            return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest,
                                        padding: .insecurePKCS1v1_5)
        case .ed25519:
            guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else { return false }
            return key.isValidSignature(signature, for: Data(digest))
        }
    }
}
