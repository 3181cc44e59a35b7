import EnvoiCore
import EnvoiSecrets
import Foundation
import GRDB

/// SMTP credentials: the password is returned once, at creation; the store keeps only its
/// PBKDF2 hash, itself sealed under the master key.
extension ControlPlaneStore {
    /// Creates a credential for `user` and returns it with its password (shown once, never stored).
    public func createCredential(user: OCID, description: String = "",
                                 hasher: PasswordHasher = PasswordHasher()) throws -> (SmtpCredential, password: String) {
        try createCredential(user: user, description: description, secret: hasher.newCredentialSecret())
    }

    /// Creates a credential with a password made by `PasswordHasher.newCredentialSecret`, before
    /// the transaction: 210,000 PBKDF2 rounds must not hold the write lock.
    public func createCredential(user: OCID, description: String, secret: (password: String, hash: String)) throws -> (SmtpCredential, password: String) {
        let description = try ControlPlaneRules.description(description)
        let (password, hash) = secret
        let credential = try write { db in
            _ = try Self.fetch(db, "app_user", .user, user)
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM smtp_credential WHERE user_id = ?", arguments: [user.rawValue]) ?? 0
            try ControlPlaneRules.checkNewCredential(existingCount: count)
            let id = OCID.generate(.credential)
            let credential = SmtpCredential(id: id, userId: user, username: id.rawValue, description: description, timeCreated: now())
            let sealed = try secrets.seal(Data(hash.utf8), context: SecretBox.passwordHashContext(id))
            try db.execute(sql: """
                INSERT INTO smtp_credential (id, user_id, username, password_hash, description, lifecycle_state, time_created, time_expires)
                VALUES (?, ?, ?, ?, ?, ?, ?, NULL)
                """, arguments: [id.rawValue, user.rawValue, credential.username, sealed, description,
                                 credential.lifecycleState.rawValue, credential.timeCreated])
            return SmtpCredential(row: try Self.fetch(db, "smtp_credential", .credential, id))
        }
        return (credential, password)
    }

    /// Credentials, all or one user's.
    public func credentials(user: OCID? = nil) throws -> [SmtpCredential] {
        try read { db in
            if let user {
                _ = try Self.fetch(db, "app_user", .user, user)
                return try Row.fetchAll(db, sql: "SELECT * FROM smtp_credential WHERE user_id = ? ORDER BY time_created", arguments: [user.rawValue])
                    .map(SmtpCredential.init(row:))
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM smtp_credential ORDER BY time_created").map(SmtpCredential.init(row:))
        }
    }

    public func deleteCredential(_ id: OCID) throws {
        try write { db in try Self.delete(db, "smtp_credential", .credential, id) }
    }

    /// The user whose ACTIVE credential has `username` and `password`, or nil. Unknown users and
    /// wrong passwords are indistinguishable to the caller (and take comparable time).
    public func verifyCredential(username: String, password: String, hasher: PasswordHasher = PasswordHasher()) throws -> OCID? {
        guard let (_, user, hash) = try credentialForVerification(username: username) else {
            _ = hasher.verify(password, against: PasswordHasher.decoyHash)
            return nil
        }
        return hasher.verify(password, against: hash) ? user : nil
    }

    /// The ACTIVE credential named `username`: its id, its user and its password hash (unsealed).
    public func credentialForVerification(username: String) throws -> (credential: OCID, user: OCID, hash: String)? {
        #if DEBUG
        try StoreFault.credentials.inject()
        #endif
        let found = try read { db -> (OCID, OCID, Data)? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, user_id, password_hash FROM smtp_credential WHERE username = ? AND lifecycle_state = 'ACTIVE'
                """, arguments: [username]) else { return nil }
            return (OCID(uncheckedRow: row["id"]), OCID(uncheckedRow: row["user_id"]), row["password_hash"])
        }
        guard let (id, user, sealed) = found else { return nil }
        return (id, user, String(decoding: try secrets.open(sealed, context: SecretBox.passwordHashContext(id)), as: UTF8.self))
    }
}
