import EnvoiCore
import EnvoiSecrets
import Foundation
import Logging
import PostgresNIO

/// Who an HTTPS API caller is and what they may do, on PostgreSQL: the same answers as the SQLite
/// store's `StoreControlPlane` (EnvoiStore), read from the same rows.
extension PostgresStore: CallerDirectory {
    public func signingKey(tenancy: OCID, user: OCID, fingerprint: String) async throws -> String? {
        try await client.withConnection { connection in
            guard try await Self.tenancy(connection, logger) == tenancy else { return nil }
            let rows = try await connection.query("""
                SELECT id, public_key FROM api_key WHERE user_id = \(user.rawValue) AND fingerprint = \(fingerprint) AND lifecycle_state = 'ACTIVE'
                """, logger: logger).collect()
            guard let row = rows.first else { return nil }
            let (id, sealed) = try row.decode((String, ByteBuffer).self)
            let pem = try secrets.open(Data(sealed.readableBytesView), context: SecretBox.apiKeyContext(try Self.ocid(id)))
            // Stored as `ApiPublicKey.pemRepresentation`, the form SQLite hands back after parsing.
            return String(decoding: pem, as: UTF8.self)
        }
    }

    /// Read in one REPEATABLE READ snapshot, as SQLite's read transaction gives: the groups and
    /// the policies that grant them are never seen from two different moments.
    public func access(for user: OCID) async throws -> CallerAccess {
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            let evaluator = PolicyEvaluator(compartments: try await Self.compartments(connection, logger),
                                            policies: try await Self.policies(connection, logger))
            return CallerAccess(user: user, tenancy: try await Self.tenancy(connection, logger),
                                groups: try await Self.groups(connection, logger, ofUser: user), policies: evaluator)
        }
    }
}

extension PostgresStore: TenancyDirectory {
    public func tenancyID() async throws -> OCID {
        try await client.withConnection { try await Self.tenancy($0, logger) }
    }

    public func compartmentExists(_ compartment: OCID) async throws -> Bool {
        try await !client.query("SELECT 1 FROM compartment WHERE id = \(compartment.rawValue)", logger: logger).collect().isEmpty
    }
}

extension PostgresStore: SubmissionLedger {
    /// What the queue writer recorded in the transaction that committed the submission.
    public func recordedResponse(user: OCID, messageId: String, since: Date) async throws -> String? {
        try await client.query("""
            SELECT response FROM api_submission WHERE user_id = \(user.rawValue) AND message_id = \(messageId) AND time_created >= \(since)
            """, logger: logger).collect().first?.decode(String.self)
    }
}

// The identity rows that both the intake's authorisation and the API's access read, decoded as
// the SQLite store decodes them (an unknown state reads as the most conservative one).
extension PostgresStore {
    static func compartments(_ connection: PostgresConnection, _ logger: Logger) async throws -> [Compartment] {
        try await connection.query("SELECT id, compartment_id, name, description, lifecycle_state, time_created FROM compartment",
                                   logger: logger).collect().map { row in
            let (id, parent, name, description, state, created) = try row.decode((String, String?, String, String, String, Date).self)
            return Compartment(id: try ocid(id), compartmentId: try parent.map(ocid), name: name, description: description,
                               lifecycleState: IdentityLifecycleState(rawValue: state) ?? .inactive, timeCreated: created)
        }
    }

    static func policies(_ connection: PostgresConnection, _ logger: Logger) async throws -> [Policy] {
        try await connection.query("SELECT id, compartment_id, name, description, statements, lifecycle_state, time_created FROM policy",
                                   logger: logger).collect().map { row in
            let (id, compartment, name, description, statements, state, created) = try row.decode((String, String, String, String, String,
                                                                                                     String, Date).self)
            return Policy(id: try ocid(id), compartmentId: try ocid(compartment), name: name, description: description,
                          statements: Policy.statements(column: statements),
                          lifecycleState: IdentityLifecycleState(rawValue: state) ?? .inactive, timeCreated: created)
        }
    }

    /// The groups `user` belongs to, by name.
    static func groups(_ connection: PostgresConnection, _ logger: Logger, ofUser user: OCID) async throws -> [Group] {
        try await connection.query("""
            SELECT app_group.id, app_group.compartment_id, app_group.name, app_group.description, app_group.lifecycle_state,
                   app_group.time_created
            FROM app_group JOIN group_member ON group_member.group_id = app_group.id
            WHERE group_member.user_id = \(user.rawValue) ORDER BY app_group.name
            """, logger: logger).collect().map { row in
            let (id, compartment, name, description, state, created) = try row.decode((String, String, String, String, String, Date).self)
            return Group(id: try ocid(id), compartmentId: try ocid(compartment), name: name, description: description,
                         lifecycleState: IdentityLifecycleState(rawValue: state) ?? .inactive, timeCreated: created)
        }
    }

    /// Throws the not-found error of `type` unless `query` (a `SELECT 1 … FOR UPDATE` or such)
    /// returns a row: how an operation checks the rows it refers to, as SQLite's `fetch` does.
    static func require(_ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery, _ type: ResourceType,
                        _ id: OCID) async throws {
        guard try await !connection.query(query, logger: logger).collect().isEmpty else {
            throw ControlPlaneError.notFound(type, id.rawValue)
        }
    }

    /// The compartment `id` exists (the SQLite store's check of a destination or parent).
    static func requireCompartment(_ connection: PostgresConnection, _ logger: Logger, _ id: OCID) async throws {
        try await require(connection, logger, "SELECT 1 FROM compartment WHERE id = \(id.rawValue)", .compartment, id)
    }
}
