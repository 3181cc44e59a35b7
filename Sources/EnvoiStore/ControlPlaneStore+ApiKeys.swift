import _CryptoExtras
import EnvoiCore
import EnvoiSecrets
import Foundation
import GRDB

/// API signing keys (request signing, spec/OCI-API.md §7): a user's RSA public keys, found by the
/// fingerprint the SDK puts in `keyId`. The key material is sealed at rest like every other secret.
extension ControlPlaneStore {
    /// Registers an RSA public key (PEM, SubjectPublicKeyInfo or PKCS#1) for `user`.
    public func addApiKey(user: OCID, publicKeyPEM: String) throws -> ApiKey {
        let key = try ApiPublicKey(pem: publicKeyPEM)
        let fingerprint = key.fingerprint
        return try write { db in
            _ = try Self.fetch(db, "app_user", .user, user)
            if try Row.fetchOne(db, sql: "SELECT 1 FROM api_key WHERE user_id = ? AND fingerprint = ?", arguments: [user.rawValue, fingerprint]) != nil {
                throw ControlPlaneError.conflict("the user already has the API key \(fingerprint)")
            }
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_key WHERE user_id = ?", arguments: [user.rawValue]) ?? 0
            try ControlPlaneRules.checkNewApiKey(existingCount: count)
            let id = OCID.generate(.apiKey)
            let sealed = try secrets.seal(Data(key.pemRepresentation.utf8), context: SecretBox.apiKeyContext(id))
            try db.execute(sql: """
                INSERT INTO api_key (id, user_id, fingerprint, public_key, lifecycle_state, time_created) VALUES (?, ?, ?, ?, 'ACTIVE', ?)
                """, arguments: [id.rawValue, user.rawValue, fingerprint, sealed, now()])
            return ApiKey(row: try Self.fetch(db, "api_key", .apiKey, id))
        }
    }

    public func apiKeys(user: OCID? = nil) throws -> [ApiKey] {
        try read { db in
            if let user { _ = try Self.fetch(db, "app_user", .user, user) }
            return try Row.fetchAll(db, sql: "SELECT * FROM api_key WHERE ?1 IS NULL OR user_id = ?1 ORDER BY time_created",
                                    arguments: [user?.rawValue]).map(ApiKey.init(row:))
        }
    }

    public func deleteApiKey(_ id: OCID) throws {
        try write { db in try Self.delete(db, "api_key", .apiKey, id) }
    }

    /// The public key registered for `user` under `fingerprint`, for verifying a request signature.
    public func apiPublicKey(user: OCID, fingerprint: String) throws -> _RSA.Signing.PublicKey? {
        let found: (OCID, Data)? = try read { db in
            try Row.fetchOne(db, sql: "SELECT id, public_key FROM api_key WHERE user_id = ? AND fingerprint = ? AND lifecycle_state = 'ACTIVE'",
                             arguments: [user.rawValue, fingerprint]).map { (OCID(uncheckedRow: $0["id"]), $0["public_key"]) }
        }
        guard let (id, sealed) = found else { return nil }
        return try _RSA.Signing.PublicKey(pemRepresentation: String(decoding: try secrets.open(sealed, context: SecretBox.apiKeyContext(id)), as: UTF8.self))
    }
}

extension ApiKey {
    init(row: Row) {
        self.init(id: OCID(uncheckedRow: row["id"]), userId: OCID(uncheckedRow: row["user_id"]), fingerprint: row["fingerprint"],
                  lifecycleState: IdentityLifecycleState(rawValue: row["lifecycle_state"]) ?? .inactive, timeCreated: row["time_created"])
    }
}
