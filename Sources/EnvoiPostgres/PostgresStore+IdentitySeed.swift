import EnvoiCore
import EnvoiSecrets
import Foundation
import Logging
import PostgresNIO

/// Package-only, until the control plane's identity, sender and credential operations move to
/// PostgreSQL: stores the rows the intake's authorisation reads, as they are given. How the tests
/// give a PostgreSQL database a user who may send; none of `ControlPlaneRules` is checked (the
/// database still refuses duplicate names and dangling references).
extension PostgresStore {
    package func insertCompartment(_ compartment: Compartment) async throws {
        try await client.withConnection { try await Self.insert($0, logger, compartment) }
    }

    package func insertUser(_ user: User) async throws {
        try await client.withConnection { try await Self.insert($0, logger, user) }
    }

    /// The group and its `members`, in one transaction.
    package func insertGroup(_ group: Group, members: [OCID]) async throws {
        try await transaction { try await Self.insert($0, logger, group, members: members) }
    }

    package func insertPolicy(_ policy: Policy) async throws {
        try await client.withConnection { try await Self.insert($0, logger, policy) }
    }

    // The rows as they are given, on `connection` (so that `initialise` writes them in its
    // transaction).

    static func insert(_ connection: PostgresConnection, _ logger: Logger, _ compartment: Compartment) async throws {
        try await connection.query("""
            INSERT INTO compartment (id, compartment_id, name, description, lifecycle_state, time_created)
            VALUES (\(compartment.id.rawValue), \(compartment.compartmentId?.rawValue), \(compartment.name), \(compartment.description),
                    \(compartment.lifecycleState.rawValue), \(compartment.timeCreated))
            """, logger: logger)
    }

    static func insert(_ connection: PostgresConnection, _ logger: Logger, _ user: User) async throws {
        try await connection.query("""
            INSERT INTO app_user (id, compartment_id, name, description, lifecycle_state, time_created)
            VALUES (\(user.id.rawValue), \(user.compartmentId.rawValue), \(user.name), \(user.description), \(user.lifecycleState.rawValue),
                    \(user.timeCreated))
            """, logger: logger)
    }

    static func insert(_ connection: PostgresConnection, _ logger: Logger, _ group: Group, members: [OCID]) async throws {
        try await connection.query("""
            INSERT INTO app_group (id, compartment_id, name, description, lifecycle_state, time_created)
            VALUES (\(group.id.rawValue), \(group.compartmentId.rawValue), \(group.name), \(group.description),
                    \(group.lifecycleState.rawValue), \(group.timeCreated))
            """, logger: logger)
        try await connection.query("""
            INSERT INTO group_member (group_id, user_id) SELECT \(group.id.rawValue), member FROM unnest(\(members.map(\.rawValue))::text[]) AS member
            """, logger: logger)
    }

    /// The statements as a JSON array, as the SQLite store keeps them.
    static func insert(_ connection: PostgresConnection, _ logger: Logger, _ policy: Policy) async throws {
        let statements = String(decoding: try JSONEncoder().encode(policy.statements), as: UTF8.self)
        try await connection.query("""
            INSERT INTO policy (id, compartment_id, name, description, statements, lifecycle_state, time_created)
            VALUES (\(policy.id.rawValue), \(policy.compartmentId.rawValue), \(policy.name), \(policy.description), \(statements),
                    \(policy.lifecycleState.rawValue), \(policy.timeCreated))
            """, logger: logger)
    }

    package func insertSender(_ sender: Sender) async throws {
        let tags = sender.tags.columns
        let locks = try ResourceLock.encoded(sender.locks)
        try await client.query("""
            INSERT INTO sender (id, compartment_id, email_address, email_domain_id, is_spf, lifecycle_state, time_created, freeform_tags,
                                defined_tags, locks)
            VALUES (\(sender.id.rawValue), \(sender.compartmentId.rawValue), \(sender.emailAddress), \(sender.emailDomainId?.rawValue),
                    \(sender.isSpf), \(sender.lifecycleState.rawValue), \(sender.timeCreated), \(tags.freeform), \(tags.defined), \(locks))
            """, logger: logger)
    }

    /// `passwordHash` (a `PasswordHasher` hash) is sealed under the credential's context, as the
    /// SQLite store seals it.
    package func insertSmtpCredential(_ credential: SmtpCredential, passwordHash: String) async throws {
        let sealed = try secrets.seal(Data(passwordHash.utf8), context: SecretBox.passwordHashContext(credential.id))
        try await client.query("""
            INSERT INTO smtp_credential (id, user_id, username, password_hash, description, lifecycle_state, time_created, time_expires)
            VALUES (\(credential.id.rawValue), \(credential.userId.rawValue), \(credential.username), \(ByteBuffer(bytes: sealed)),
                    \(credential.description), \(credential.lifecycleState.rawValue), \(credential.timeCreated), \(credential.timeExpires))
            """, logger: logger)
    }
}
