import Crypto
import _CryptoExtras
import Foundation

/// Salted slow hashes for SMTP passwords: PBKDF2-HMAC-SHA256 with 210,000 iterations (OWASP's
/// 2023 figure for PBKDF2-SHA256), a 16-byte random salt, a 32-byte output. The encoded form
/// `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` keeps the parameters with the hash so they
/// can be raised later without breaking stored credentials.
public struct PasswordHasher: Sendable {
    public let iterations: Int

    public static let minimumIterations = 210_000

    /// A well-formed hash that matches nothing, verified for unknown users so that timing does
    /// not reveal which usernames exist (every backend's intake and `verifyCredential`).
    public static let decoyHash = "pbkdf2-sha256$210000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

    public init(iterations: Int = PasswordHasher.minimumIterations) {
        self.iterations = iterations
    }

    /// Hashes `password` with a new random salt.
    public func hash(_ password: String) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let derived = try derive(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(salt.base64EncodedString())$\(derived.base64EncodedString())"
    }

    /// True when `password` matches `encoded`; compares in constant time.
    public func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$")
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 1,
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              let derived = try? derive(password, salt: salt, iterations: rounds) else { return false }
        return derived.count == expected.count && zip(derived, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private func derive(_ password: String, salt: Data, iterations: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Data(password.utf8), salt: salt, using: .sha256,
                                                    outputByteCount: 32, unsafeUncheckedRounds: iterations)
        return key.withUnsafeBytes { Data($0) }
    }

    /// A new SMTP credential's password and its hash, the same in every backend. Slow (the
    /// rounds): every backend makes it before its write transaction, off the event loops.
    public func newCredentialSecret() throws -> (password: String, hash: String) {
        let password = Self.generatePassword()
        return (password, try hash(password))
    }

    /// A new random password: 32 characters from a 62-letter alphabet (about 190 bits).
    public static func generatePassword() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
    }
}
