import Crypto
import EnvoiCore
import Foundation

/// Seals sensitive values at rest (DKIM private keys, credential hashes, API key material) with
/// AES-256-GCM under the master key (BEHAVIOUR.md §7).
///
/// Each sealed value is bound to its place — table, column and row id — as associated data, so
/// a ciphertext copied into another row or column does not open. A module of its own so that
/// every backend (EnvoiStore on SQLite, EnvoiPostgres) seals the same way without depending on
/// the other's database library.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    /// Format byte that starts every sealed value, so that a future scheme can coexist.
    static let version: UInt8 = 1

    public init(masterKey: SymmetricKey) {
        self.key = masterKey
    }

    /// Seals `plaintext` for `context` (for example `smtp_credential.password_hash/<id>`).
    public func seal(_ plaintext: some DataProtocol, context: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(context.utf8))
        return Data([Self.version]) + box.combined!
    }

    /// Opens a value sealed for `context`; throws when the key, the context or the bytes differ.
    public func open(_ sealed: Data, context: String) throws(SecretBoxError) -> Data {
        guard sealed.first == Self.version else { throw .unreadable(context) }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            return try AES.GCM.open(box, using: key, authenticating: Data(context.utf8))
        } catch {
            throw .unreadable(context)
        }
    }

    /// The context of a DKIM key's private key: the same in every backend, so that the place a
    /// key is sealed for is the key itself, whichever database holds it.
    public static func dkimPrivateKeyContext(_ id: OCID) -> String { "dkim.private_key/\(id)" }

    /// The context of an SMTP credential's password hash, the same in every backend for the same
    /// reason: the hash opens only as the credential it was sealed for.
    public static func passwordHashContext(_ id: OCID) -> String { "smtp_credential.password_hash/\(id)" }

    /// The context of an API signing key's public key (sealed like every other secret at rest).
    public static func apiKeyContext(_ id: OCID) -> String { "api_key.public_key/\(id)" }

    /// The context of the answer recorded under a retry claim (it may hold an SMTP password).
    public static func retryAnswerContext(_ claim: RetryClaim) -> String { "retry_token/\(claim.user)/\(claim.token)" }
}
