/// The key types Envoi signs with, each with its one signing algorithm.
public enum DKIMKeyType: String, Hashable, Sendable, CaseIterable {
    /// RSA with `a=rsa-sha256` (RFC 6376 §3.3.1; RFC 8301 retired rsa-sha1).
    case rsa
    /// Ed25519 with `a=ed25519-sha256` (RFC 8463 §3).
    case ed25519

    /// The `k=` tag value of the key record (RFC 6376 §3.6.1, RFC 8463 §4).
    public var keyTag: String {
        rawValue
    }

    /// The `a=` tag value of a signature made with this key type.
    public var algorithmTag: String {
        switch self {
        case .rsa: "rsa-sha256"
        case .ed25519: "ed25519-sha256"
        }
    }

    /// The key type of an `a=` value Envoi can verify; nil for anything else (rsa-sha1 included,
    /// RFC 8301 §3.1).
    public init?(algorithmTag: String) {
        guard let type = Self.allCases.first(where: { $0.algorithmTag == algorithmTag.lowercased() }) else {
            return nil
        }
        self = type
    }
}
