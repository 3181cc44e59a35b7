import EnvoiCore
import EnvoiSecrets
import Foundation
import PostgresNIO

/// SMTP credentials on PostgreSQL: the same rules and sealing as the SQLite store's (EnvoiStore
/// `ControlPlaneStore+Credentials`), so the intake verifies a password whichever backend made it.
/// The password is returned once, at creation; only its PBKDF2 hash is stored, sealed.
extension PostgresStore: CredentialStore {
    static let credentialColumns = "id, user_id, username, description, lifecycle_state, time_created, time_expires"

    /// Creates a credential under `answering`'s retry claim, if any (a retry gets the recorded
    /// answer, holding the same password, and creates nothing). The password and its hash are
    /// made first, on a worker thread: the PBKDF2 rounds must neither block an event loop nor
    /// hold the transaction open. The user's row is locked so that two nodes cannot both pass
    /// the per-user limit.
    public func createCredential(user: OCID, description: String,
                                 answering: Answering<(SmtpCredential, password: String)>) async throws -> RecordedAnswer {
        let secret = try await Blocking.run { try PasswordHasher().newCredentialSecret() }
        return try await self.answering(answering) { connection in
            let checked = try ControlPlaneRules.description(description)
            try await Self.require(connection, logger, "SELECT 1 FROM app_user WHERE id = \(user.rawValue) FOR UPDATE", .user, user)
            let count = try await connection.query("SELECT count(*) FROM smtp_credential WHERE user_id = \(user.rawValue)", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            try ControlPlaneRules.checkNewCredential(existingCount: count)
            let id = OCID.generate(.credential)
            let sealed = try secrets.seal(Data(secret.hash.utf8), context: SecretBox.passwordHashContext(id))
            let rows = try await connection.query("""
                INSERT INTO smtp_credential (id, user_id, username, password_hash, description, lifecycle_state, time_created, time_expires)
                VALUES (\(id.rawValue), \(user.rawValue), \(id.rawValue), \(ByteBuffer(bytes: sealed)), \(checked),
                        \(CredentialLifecycleState.active.rawValue), \(now()), NULL)
                RETURNING \(unescaped: Self.credentialColumns)
                """, logger: logger).collect()
            guard let row = rows.first else { throw ControlPlaneError.notFound(.credential, id.rawValue) }
            return (try Self.credential(from: row), password: secret.password)
        }
    }

    /// The credentials of `user`, oldest first.
    public func credentials(user: OCID) async throws -> [SmtpCredential] {
        try await client.withConnection { connection in
            try await Self.require(connection, logger, "SELECT 1 FROM app_user WHERE id = \(user.rawValue)", .user, user)
            return try await connection.query("""
                SELECT \(unescaped: Self.credentialColumns) FROM smtp_credential WHERE user_id = \(user.rawValue) ORDER BY time_created, id
                """, logger: logger).collect().map(Self.credential(from:))
        }
    }

    public func credential(_ id: OCID) async throws -> SmtpCredential {
        let rows = try await client.query("SELECT \(unescaped: Self.credentialColumns) FROM smtp_credential WHERE id = \(id.rawValue)",
                                          logger: logger).collect()
        guard let row = rows.first else { throw ControlPlaneError.notFound(.credential, id.rawValue) }
        return try Self.credential(from: row)
    }

    public func deleteCredential(_ id: OCID) async throws {
        let deleted = try await client.query("DELETE FROM smtp_credential WHERE id = \(id.rawValue) RETURNING id", logger: logger).collect()
        guard !deleted.isEmpty else { throw ControlPlaneError.notFound(.credential, id.rawValue) }
    }

    static func credential(from row: PostgresRow) throws -> SmtpCredential {
        let (id, user, username, description, state, created, expires) = try row.decode((String, String, String, String, String, Date,
                                                                                           Date?).self)
        return SmtpCredential(id: try ocid(id), userId: try ocid(user), username: username, description: description,
                              lifecycleState: CredentialLifecycleState(rawValue: state) ?? .inactive, timeCreated: created,
                              timeExpires: expires)
    }
}
