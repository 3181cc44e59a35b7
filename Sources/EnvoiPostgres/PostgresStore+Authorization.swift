import EnvoiCore
import EnvoiSecrets
import Foundation
import PostgresNIO

/// The intake's control-plane reads on PostgreSQL, the same rows and answers as the SQLite
/// store's (EnvoiStore `ControlPlaneStore+Credentials` and `+Email`): who an SMTP credential is,
/// and which senders a user may use.
extension PostgresStore {
    /// The ACTIVE credential named `username`: its id, its user and its password hash, unsealed
    /// under the credential's own context, as SQLite seals it.
    public func credentialForVerification(username: String) async throws -> (credential: OCID, user: OCID, hash: String)? {
        let rows = try await client.query("""
            SELECT id, user_id, password_hash FROM smtp_credential WHERE username = \(username) AND lifecycle_state = 'ACTIVE'
            """, logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (idText, userText, sealed) = try row.decode((String, String, ByteBuffer).self)
        let id = try Self.ocid(idText)
        let hash = try secrets.open(Data(sealed.readableBytesView), context: SecretBox.passwordHashContext(id))
        return (id, try Self.ocid(userText), String(decoding: hash, as: UTF8.self))
    }

    /// Everything `SendAuthorization` needs and the groups of `user`, read in one REPEATABLE READ
    /// transaction: one snapshot, as SQLite's read transaction gives, so that a sender and the
    /// policy that permits it are never seen from two different moments. Senders are read
    /// without their tags and locks, which authorisation does not look at.
    public func sendAuthorization(for user: OCID) async throws -> (SendAuthorization, groups: [Group]) {
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let senders = try await connection.query("""
                SELECT id, compartment_id, email_address, email_domain_id, is_spf, lifecycle_state, time_created FROM sender
                """, logger: logger).collect().map { row in
                let (id, compartment, address, domain, isSpf, state, created) = try row.decode((String, String, String, String?, Bool,
                                                                                                  String, Date).self)
                return Sender(id: try Self.ocid(id), compartmentId: try Self.ocid(compartment), emailAddress: address,
                              emailDomainId: try domain.map(Self.ocid), isSpf: isSpf,
                              lifecycleState: SenderLifecycleState(rawValue: state) ?? .failed, timeCreated: created)
            }
            let activeDomains = try await connection.query("SELECT name FROM email_domain WHERE active_dkim_id IS NOT NULL",
                                                           logger: logger).collect().map { try $0.decode(String.self).lowercased() }
            let evaluator = PolicyEvaluator(compartments: try await Self.compartments(connection, logger),
                                            policies: try await Self.policies(connection, logger))
            let groups = try await Self.groups(connection, logger, ofUser: user)
            return (SendAuthorization(senders: senders, activeDkimDomains: Set(activeDomains), policies: evaluator), groups)
        }
    }
}
