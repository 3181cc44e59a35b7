import EnvoiCore
import EnvoiSecrets
import Foundation
import PostgresNIO

/// API signing keys on PostgreSQL (`envoi api-key` against a shared database): the same checks,
/// fingerprint and sealing as the SQLite store's (EnvoiStore `ControlPlaneStore+ApiKeys`), so a
/// key registered on either backend verifies the same signatures.
extension PostgresStore {
    static let apiKeyColumns = "id, user_id, fingerprint, lifecycle_state, time_created"

    /// Registers an RSA public key (PEM, SubjectPublicKeyInfo or PKCS#1) for `user`. The user's
    /// row is locked for the transaction, so that two nodes adding keys at once cannot both pass
    /// the limit.
    public func addApiKey(user: OCID, publicKeyPEM: String) async throws -> ApiKey {
        let key = try ApiPublicKey(pem: publicKeyPEM)
        let fingerprint = key.fingerprint
        return try await transaction { connection in
            try await Self.require(connection, logger, "SELECT 1 FROM app_user WHERE id = \(user.rawValue) FOR UPDATE", .user, user)
            let existing = try await connection.query("SELECT fingerprint FROM api_key WHERE user_id = \(user.rawValue)",
                                                      logger: logger).collect().map { try $0.decode(String.self) }
            if existing.contains(fingerprint) { throw ControlPlaneError.conflict("the user already has the API key \(fingerprint)") }
            try ControlPlaneRules.checkNewApiKey(existingCount: existing.count)
            let id = OCID.generate(.apiKey)
            let sealed = try secrets.seal(Data(key.pemRepresentation.utf8), context: SecretBox.apiKeyContext(id))
            let rows = try await connection.query("""
                INSERT INTO api_key (id, user_id, fingerprint, public_key, lifecycle_state, time_created)
                VALUES (\(id.rawValue), \(user.rawValue), \(fingerprint), \(ByteBuffer(bytes: sealed)), 'ACTIVE', \(now()))
                RETURNING \(unescaped: Self.apiKeyColumns)
                """, logger: logger).collect()
            guard let row = rows.first else { throw ControlPlaneError.notFound(.apiKey, id.rawValue) }
            return try Self.apiKey(from: row)
        }
    }

    /// The API keys of `user` (all users' when nil), oldest first.
    public func apiKeys(user: OCID? = nil) async throws -> [ApiKey] {
        try await client.withConnection { connection in
            if let user {
                try await Self.require(connection, logger, "SELECT 1 FROM app_user WHERE id = \(user.rawValue)", .user, user)
            }
            return try await connection.query("""
                SELECT \(unescaped: Self.apiKeyColumns) FROM api_key WHERE \(user?.rawValue)::text IS NULL OR user_id = \(user?.rawValue)
                ORDER BY time_created, id
                """, logger: logger).collect().map(Self.apiKey(from:))
        }
    }

    public func deleteApiKey(_ id: OCID) async throws {
        let deleted = try await client.query("DELETE FROM api_key WHERE id = \(id.rawValue) RETURNING id", logger: logger).collect()
        guard !deleted.isEmpty else { throw ControlPlaneError.notFound(.apiKey, id.rawValue) }
    }

    static func apiKey(from row: PostgresRow) throws -> ApiKey {
        let (id, user, fingerprint, state, created) = try row.decode((String, String, String, String, Date).self)
        return ApiKey(id: try ocid(id), userId: try ocid(user), fingerprint: fingerprint,
                      lifecycleState: IdentityLifecycleState(rawValue: state) ?? .inactive, timeCreated: created)
    }
}
