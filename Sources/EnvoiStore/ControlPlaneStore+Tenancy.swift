import EnvoiCore
import Foundation
import GRDB

extension ControlPlaneStore {
    /// What `initialise` found or made.
    public struct Bootstrap: Sendable {
        public var tenancy: Tenancy
        public var adminUser: User
        public var adminGroup: Group
        public var created: Bool
    }

    /// Creates the tenancy, its root compartment, an `admin` user in an `Administrators` group and
    /// the policy that lets that group use email in the whole tenancy. Idempotent: when a tenancy
    /// exists nothing is written.
    public func initialise(tenancyName: String = ControlPlaneDefaults.tenancyName, limits: SendLimits = .default) throws -> Bootstrap {
        try write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM tenancy LIMIT 1") {
                let tenancy = Tenancy(row: row)
                let user = try Row.fetchOne(db, sql: "SELECT * FROM app_user WHERE name = ?", arguments: [ControlPlaneDefaults.adminUserName]).map(User.init(row:))
                let group = try Row.fetchOne(db, sql: "SELECT * FROM app_group WHERE name = ?", arguments: [ControlPlaneDefaults.adminGroupName]).map(Group.init(row:))
                guard let user, let group else {
                    throw ControlPlaneError.conflict("the tenancy exists but its admin user or Administrators group was deleted")
                }
                return Bootstrap(tenancy: tenancy, adminUser: user, adminGroup: group, created: false)
            }
            let time = now()
            let tenancyID = OCID.generate(.tenancy)
            try db.execute(sql: """
                INSERT INTO tenancy (id, name, time_created, messages_per_minute, messages_per_day, max_message_size)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [tenancyID.rawValue, tenancyName, time, limits.messagesPerMinute, limits.messagesPerDay, limits.maxMessageSize])
            try db.execute(sql: """
                INSERT INTO compartment (id, compartment_id, name, description, lifecycle_state, time_created)
                VALUES (?, NULL, ?, ?, 'ACTIVE', ?)
                """, arguments: [tenancyID.rawValue, tenancyName, ControlPlaneDefaults.rootCompartmentDescription, time])
            let user = User(id: .generate(.user), compartmentId: tenancyID, name: ControlPlaneDefaults.adminUserName,
                            description: ControlPlaneDefaults.adminUserDescription, timeCreated: time)
            try Self.insert(db, user)
            let group = Group(id: .generate(.group), compartmentId: tenancyID, name: ControlPlaneDefaults.adminGroupName,
                              description: ControlPlaneDefaults.adminGroupDescription, timeCreated: time)
            try Self.insert(db, group)
            try db.execute(sql: "INSERT INTO group_member (group_id, user_id) VALUES (?, ?)", arguments: [group.id.rawValue, user.id.rawValue])
            let policy = Policy(id: .generate(.policy), compartmentId: tenancyID, name: ControlPlaneDefaults.adminPolicyName,
                                description: ControlPlaneDefaults.adminPolicyDescription,
                                statements: [ControlPlaneDefaults.adminPolicyStatement], timeCreated: time)
            try Self.insert(db, policy)
            return Bootstrap(tenancy: try Self.tenancy(db), adminUser: User(row: try Self.fetch(db, "app_user", .user, user.id)),
                             adminGroup: Group(row: try Self.fetch(db, "app_group", .group, group.id)), created: true)
        }
    }

    /// The tenancy's send limits.
    public func limits() throws -> SendLimits { try tenancy().limits }

    /// Changes the given limits; the others keep their values. Takes effect for the next
    /// submission (the data planes read limits from the store).
    public func setLimits(messagesPerMinute: Int? = nil, messagesPerDay: Int? = nil, maxMessageSize: Int? = nil) throws -> SendLimits {
        try write { db in
            var limits = try Self.tenancy(db).limits
            if let messagesPerMinute { limits.messagesPerMinute = messagesPerMinute }
            if let messagesPerDay { limits.messagesPerDay = messagesPerDay }
            if let maxMessageSize { limits.maxMessageSize = maxMessageSize }
            try limits.validate()
            try db.execute(sql: "UPDATE tenancy SET messages_per_minute = ?, messages_per_day = ?, max_message_size = ?",
                           arguments: [limits.messagesPerMinute, limits.messagesPerDay, limits.maxMessageSize])
            return limits
        }
    }
}
