import COpenSSL

/// An RSA private key held by the system's OpenSSL libcrypto (libssl-dev), used for DKIM RSA
/// signatures because OpenSSL 3 computes them about 2.5 times faster than swift-crypto's
/// BoringSSL on CPUs with AVX-512 IFMA (see README, Benchmark). RSASSA-PKCS1-v1_5 is
/// deterministic (RFC 8017 §8.2), so the octets are those swift-crypto would give: tested.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is never mutated after it is read, and each signature
/// uses its own `EVP_PKEY_CTX`, which is how OpenSSL 3 allows one key to be shared by threads.
final class SystemRSAKey: @unchecked Sendable {
    private let key: OpaquePointer

    /// Reads an RSA private key from PEM (PKCS#1 or PKCS#8); nil when OpenSSL cannot.
    init?(pem: String) {
        var text = Array(pem.utf8)
        guard let key = text.withUnsafeMutableBufferPointer({ buffer in
            buffer.withMemoryRebound(to: CChar.self) { envoi_openssl_private_key($0.baseAddress, Int32($0.count)) }
        }) else { return nil }
        self.key = key
    }

    deinit { envoi_openssl_free(key) }

    /// The RSASSA-PKCS1-v1_5 signature of a SHA-256 `digest`, `modulusOctets` long, or nil if
    /// OpenSSL fails (the caller then signs with swift-crypto).
    func signSHA256(digest: [UInt8], modulusOctets: Int) -> [UInt8]? {
        guard digest.count == 32 else { return nil }
        var signature = [UInt8](repeating: 0, count: modulusOctets)
        var length = signature.count
        let ok = envoi_openssl_rsa_sign_sha256(key, digest, &signature, &length)
        guard ok == 1, length == modulusOctets else { return nil }
        return signature
    }
}
