import EnvoiCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// What `bootstrap` found or made: the ids `envoi init` prints.
    public struct Bootstrap: Sendable, Equatable {
        /// The tenancy, also its root compartment's id.
        public var tenancy: OCID
        public var adminUser: OCID
        public var adminGroup: OCID
        /// False when the database was already initialised and nothing was written.
        public var created: Bool
    }

    /// `envoi init` on PostgreSQL: creates what the SQLite store's `initialise` creates — the
    /// tenancy, its root compartment, the admin user in the Administrators group and the policy
    /// that lets that group use email in the whole tenancy — with the same names
    /// (`ControlPlaneDefaults`), so either backend starts alike. Idempotent: when a tenancy exists
    /// nothing is written and the same ids come back. Call `migrate()` first.
    ///
    /// The tenancy table is locked for the transaction, so that two nodes initialising one new
    /// database at once make one tenancy, not two.
    public func bootstrap(tenancyName: String = ControlPlaneDefaults.tenancyName, limits: SendLimits = .default) async throws -> Bootstrap {
        try await transaction { connection in
            try await connection.query("LOCK TABLE tenancy IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            let existing = try await connection.query("SELECT id FROM tenancy LIMIT 1", logger: logger).collect()
            if let row = existing.first {
                let tenancy = try Self.ocid(row.decode(String.self))
                guard let user = try await Self.id(connection, logger, "SELECT id FROM app_user WHERE name = \(ControlPlaneDefaults.adminUserName)"),
                      let group = try await Self.id(connection, logger, "SELECT id FROM app_group WHERE name = \(ControlPlaneDefaults.adminGroupName)")
                else {
                    // As the SQLite store: a tenancy without its administrators is not re-created.
                    throw ControlPlaneError.conflict("the tenancy exists but its admin user or Administrators group was deleted")
                }
                return Bootstrap(tenancy: tenancy, adminUser: user, adminGroup: group, created: false)
            }
            let time = now()
            let tenancy = OCID.generate(.tenancy)
            try await connection.query("""
                INSERT INTO tenancy (id, name, time_created, messages_per_minute, messages_per_day, max_message_size)
                VALUES (\(tenancy.rawValue), \(tenancyName), \(time), \(limits.messagesPerMinute), \(limits.messagesPerDay), \(limits.maxMessageSize))
                """, logger: logger)
            try await Self.insert(connection, logger, Compartment(id: tenancy, compartmentId: nil, name: tenancyName,
                                                                  description: ControlPlaneDefaults.rootCompartmentDescription, timeCreated: time))
            let user = User(id: .generate(.user), compartmentId: tenancy, name: ControlPlaneDefaults.adminUserName,
                            description: ControlPlaneDefaults.adminUserDescription, timeCreated: time)
            try await Self.insert(connection, logger, user)
            let group = Group(id: .generate(.group), compartmentId: tenancy, name: ControlPlaneDefaults.adminGroupName,
                              description: ControlPlaneDefaults.adminGroupDescription, timeCreated: time)
            try await Self.insert(connection, logger, group, members: [user.id])
            try await Self.insert(connection, logger, Policy(id: .generate(.policy), compartmentId: tenancy, name: ControlPlaneDefaults.adminPolicyName,
                                                             description: ControlPlaneDefaults.adminPolicyDescription,
                                                             statements: [ControlPlaneDefaults.adminPolicyStatement], timeCreated: time))
            return Bootstrap(tenancy: tenancy, adminUser: user.id, adminGroup: group.id, created: true)
        }
    }

    /// The id in the first row of `query`, if any.
    private static func id(_ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> OCID? {
        try await connection.query(query, logger: logger).collect().first.map { try ocid($0.decode(String.self)) }
    }
}
