import Crypto
import _CryptoExtras
import Foundation

/// A DKIM signing key: RSA (2048 by default, 3072 on request) or Ed25519 (RFC 8463).
public struct DKIMPrivateKey: Sendable {
    private enum Backing: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    /// The kinds of key Envoi generates.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// RSA, 2048-bit modulus: the default (BEHAVIOUR §5; RFC 8301 §3.2 SHOULD ≥ 2048).
        case rsa2048
        /// RSA, 3072-bit modulus.
        case rsa3072
        /// Ed25519 (RFC 8463).
        case ed25519
    }

    /// RSA keys shorter than this are refused for signing and import.
    public static let minimumRSABits = 2048

    private let backing: Backing
    /// The same RSA key in the system's OpenSSL, for faster signatures; nil for Ed25519 or if
    /// OpenSSL cannot read it.
    private let systemRSA: SystemRSAKey?

    private init(_ backing: Backing) {
        self.backing = backing
        if case .rsa(let key) = backing {
            systemRSA = SystemRSAKey(pem: key.pkcs8PEMRepresentation)
        } else {
            systemRSA = nil
        }
    }

    /// A new random key of `kind`.
    public static func generate(_ kind: Kind) throws(DKIMError) -> DKIMPrivateKey {
        do {
            switch kind {
            case .rsa2048: return DKIMPrivateKey(.rsa(try _RSA.Signing.PrivateKey(keySize: .bits2048)))
            case .rsa3072: return DKIMPrivateKey(.rsa(try _RSA.Signing.PrivateKey(keySize: .bits3072)))
            case .ed25519: return DKIMPrivateKey(.ed25519(Curve25519.Signing.PrivateKey()))
            }
        } catch {
            throw .keyGenerationFailed
        }
    }

    /// Reads a PEM private key: RSA as PKCS#1 (`BEGIN RSA PRIVATE KEY`) or PKCS#8
    /// (`BEGIN PRIVATE KEY`), Ed25519 as PKCS#8 (RFC 8410 §7). RSA keys under 2048 bits are
    /// refused with `privateKeyTooShort`.
    public init(pemRepresentation pem: String) throws(DKIMError) {
        if let rsa = try? _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem) {
            guard rsa.keySizeInBits >= Self.minimumRSABits else { throw .privateKeyTooShort(bits: rsa.keySizeInBits) }
            self.init(.rsa(rsa))
        } else if let ed25519 = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) {
            self.init(.ed25519(ed25519))
        } else {
            throw .unreadablePrivateKey
        }
    }

    /// Builds an Ed25519 key from its 32-octet seed (RFC 8032 §5.1.5), as test vectors give it.
    public init(ed25519Seed seed: [UInt8]) throws(DKIMError) {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else { throw .unreadablePrivateKey }
        self.init(.ed25519(key))
    }

    /// The key type.
    public var keyType: DKIMKeyType {
        switch backing {
        case .rsa: .rsa
        case .ed25519: .ed25519
        }
    }

    /// The key size in bits (the Dkim model's `keyLength`): the RSA modulus, 256 for Ed25519.
    public var keySizeInBits: Int {
        switch backing {
        case .rsa(let key): key.keySizeInBits
        case .ed25519: 256
        }
    }

    /// The PKCS#8 PEM (`BEGIN PRIVATE KEY`) of either key type: what Envoi stores (encrypted).
    public var pemRepresentation: String {
        switch backing {
        case .rsa(let key): key.pkcs8PEMRepresentation
        case .ed25519(let key): key.pemRepresentation
        }
    }

    /// The PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`) of an RSA key, as older tools (OpenDKIM)
    /// write it; nil for Ed25519, which has no PKCS#1 form.
    public var pkcs1PEMRepresentation: String? {
        switch backing {
        case .rsa(let key): key.pemRepresentation
        case .ed25519: nil
        }
    }

    /// True when RSA signatures are made by the system's OpenSSL (false for Ed25519).
    package var signsWithSystemOpenSSL: Bool { systemRSA != nil }

    /// The public half.
    public var publicKey: DKIMPublicKey {
        switch backing {
        case .rsa(let key): DKIMPublicKey(rsa: key.publicKey)
        case .ed25519(let key): DKIMPublicKey(ed25519: key.publicKey)
        }
    }

    /// The signature of the canonicalised header `data`: RSASSA-PKCS1-v1_5 with SHA-256
    /// (RFC 6376 §3.3.1) or Ed25519 of the SHA-256 digest (RFC 8463 §3), which is
    /// deterministic (RFC 8032 §5.1.6).
    /// RSA signs through the system's OpenSSL when it holds the key (`preferSystemOpenSSL`),
    /// through swift-crypto otherwise; both give the same octets.
    func sign(_ data: [UInt8], preferSystemOpenSSL: Bool = true) throws(DKIMError) -> [UInt8] {
        let digest = SHA256.hash(data: data)
        do {
            switch backing {
            case .rsa(let key):
                if preferSystemOpenSSL, let systemRSA,
                   let signature = systemRSA.signSHA256(digest: Array(digest), modulusOctets: (key.keySizeInBits + 7) / 8) {
                    return signature
                }
                return Array(try key.signature(for: digest, padding: .insecurePKCS1v1_5).rawRepresentation)
            case .ed25519(let key):
                return Array(try key.signature(for: Data(digest)))
            }
        } catch {
            throw .signingFailed
        }
    }
}
