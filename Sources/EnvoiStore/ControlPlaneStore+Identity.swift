import EnvoiCore
import Foundation
import GRDB

/// Compartments, users, groups and policies.
extension ControlPlaneStore {
    // MARK: Compartments

    /// Creates a compartment under `parent` (default: the root compartment).
    public func createCompartment(name: String, description: String = "", parent: OCID? = nil) throws -> Compartment {
        let name = try ControlPlaneRules.resourceName(name)
        let description = try ControlPlaneRules.description(description)
        return try write { db in
            let parentID = try parent ?? Self.tenancy(db).id
            _ = try Self.compartment(db, parentID, field: "parent compartment")
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM compartment WHERE compartment_id = ? AND name = ? COLLATE NOCASE",
                                   arguments: [parentID.rawValue, name]) == nil else {
                throw ControlPlaneError.conflict("a compartment named \(name) already exists in \(parentID)")
            }
            let compartment = Compartment(id: .generate(.compartment), compartmentId: parentID, name: name, description: description, timeCreated: now())
            try db.execute(sql: """
                INSERT INTO compartment (id, compartment_id, name, description, lifecycle_state, time_created) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [compartment.id.rawValue, parentID.rawValue, name, description, compartment.lifecycleState.rawValue, compartment.timeCreated])
            return Compartment(row: try Self.fetch(db, "compartment", .compartment, compartment.id))
        }
    }

    /// All compartments, the root first, then by name.
    public func compartments() throws -> [Compartment] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM compartment ORDER BY compartment_id IS NOT NULL, name COLLATE NOCASE").map(Compartment.init(row:))
        }
    }

    public func compartment(_ id: OCID) throws -> Compartment {
        try read { db in try Self.compartment(db, id, field: "compartment") }
    }

    static func compartment(_ db: Database, _ id: OCID, field: String = "compartment-id") throws -> Compartment {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM compartment WHERE id = ?", arguments: [id.rawValue]) else {
            throw ControlPlaneError.notFound(.compartment, id.rawValue)
        }
        return Compartment(row: row)
    }

    /// Deletes an empty compartment; the root cannot be deleted.
    public func deleteCompartment(_ id: OCID) throws {
        try write { db in
            let compartment = try Self.compartment(db, id)
            guard !compartment.isRoot else { throw ControlPlaneError.conflict("the root compartment (the tenancy) cannot be deleted") }
            let contents: [(String, String)] = [("compartment", "compartments"), ("app_user", "users"), ("app_group", "groups"),
                                                ("policy", "policies"), ("email_domain", "email domains"), ("sender", "approved senders")]
            for (table, what) in contents {
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE compartment_id = ?", arguments: [id.rawValue]) ?? 0
                if count > 0 { throw ControlPlaneError.conflict("compartment \(compartment.name) still holds \(count) \(what); delete them first") }
            }
            try Self.delete(db, "compartment", .compartment, id)
        }
    }

    // MARK: Users

    public func createUser(name: String, description: String = "") throws -> User {
        let name = try ControlPlaneRules.resourceName(name)
        let description = try ControlPlaneRules.description(description)
        return try write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM app_user WHERE name = ? COLLATE NOCASE", arguments: [name]) == nil else {
                throw ControlPlaneError.conflict("a user named \(name) already exists")
            }
            let user = User(id: .generate(.user), compartmentId: try Self.tenancy(db).id, name: name, description: description, timeCreated: now())
            try Self.insert(db, user)
            return User(row: try Self.fetch(db, "app_user", .user, user.id))
        }
    }

    static func insert(_ db: Database, _ user: User) throws {
        try db.execute(sql: """
            INSERT INTO app_user (id, compartment_id, name, description, lifecycle_state, time_created) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [user.id.rawValue, user.compartmentId.rawValue, user.name, user.description, user.lifecycleState.rawValue, user.timeCreated])
    }

    public func users() throws -> [User] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM app_user ORDER BY name COLLATE NOCASE").map(User.init(row:)) }
    }

    public func user(_ id: OCID) throws -> User {
        try read { db in User(row: try Self.fetch(db, "app_user", .user, id)) }
    }

    /// Deletes a user with its credentials, API keys and group memberships.
    public func deleteUser(_ id: OCID) throws {
        try write { db in try Self.delete(db, "app_user", .user, id) }
    }

    // MARK: Groups

    public func createGroup(name: String, description: String = "") throws -> Group {
        let name = try ControlPlaneRules.resourceName(name)
        let description = try ControlPlaneRules.description(description)
        return try write { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM app_group WHERE name = ? COLLATE NOCASE", arguments: [name]) == nil else {
                throw ControlPlaneError.conflict("a group named \(name) already exists")
            }
            let group = Group(id: .generate(.group), compartmentId: try Self.tenancy(db).id, name: name, description: description, timeCreated: now())
            try Self.insert(db, group)
            return Group(row: try Self.fetch(db, "app_group", .group, group.id))
        }
    }

    static func insert(_ db: Database, _ group: Group) throws {
        try db.execute(sql: """
            INSERT INTO app_group (id, compartment_id, name, description, lifecycle_state, time_created) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [group.id.rawValue, group.compartmentId.rawValue, group.name, group.description, group.lifecycleState.rawValue, group.timeCreated])
    }

    public func groups() throws -> [Group] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM app_group ORDER BY name COLLATE NOCASE").map(Group.init(row:)) }
    }

    public func group(_ id: OCID) throws -> Group {
        try read { db in Group(row: try Self.fetch(db, "app_group", .group, id)) }
    }

    /// The ids of a group's members.
    public func members(of group: OCID) throws -> [OCID] {
        try read { db in
            _ = try Self.fetch(db, "app_group", .group, group)
            return try String.fetchAll(db, sql: "SELECT user_id FROM group_member WHERE group_id = ? ORDER BY user_id", arguments: [group.rawValue])
                .map(OCID.init(uncheckedRow:))
        }
    }

    /// The groups a user belongs to.
    public func groups(ofUser user: OCID) throws -> [Group] {
        try read { db in try Self.groups(db, ofUser: user) }
    }

    static func groups(_ db: Database, ofUser user: OCID) throws -> [Group] {
        try Row.fetchAll(db, sql: """
            SELECT app_group.* FROM app_group JOIN group_member ON group_member.group_id = app_group.id
            WHERE group_member.user_id = ? ORDER BY app_group.name
            """, arguments: [user.rawValue]).map(Group.init(row:))
    }

    public func addUser(_ user: OCID, toGroup group: OCID) throws {
        try write { db in
            _ = try Self.fetch(db, "app_group", .group, group)
            _ = try Self.fetch(db, "app_user", .user, user)
            try db.execute(sql: "INSERT OR IGNORE INTO group_member (group_id, user_id) VALUES (?, ?)", arguments: [group.rawValue, user.rawValue])
        }
    }

    public func removeUser(_ user: OCID, fromGroup group: OCID) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM group_member WHERE group_id = ? AND user_id = ?", arguments: [group.rawValue, user.rawValue])
            guard db.changesCount == 1 else { throw ControlPlaneError.notFound(.user, "\(user) in group \(group)") }
        }
    }

    public func deleteGroup(_ id: OCID) throws {
        try write { db in try Self.delete(db, "app_group", .group, id) }
    }

    // MARK: Policies

    /// Creates a policy; every statement must parse, and `in tenancy` only in the root compartment.
    public func createPolicy(name: String, statements: [String], compartment: OCID? = nil, description: String = "") throws -> Policy {
        let name = try ControlPlaneRules.resourceName(name)
        let description = try ControlPlaneRules.description(description)
        guard !statements.isEmpty else { throw ControlPlaneError.missing(field: "statement") }
        var parsed: [PolicyStatement] = []
        for (index, text) in statements.enumerated() {
            do {
                parsed.append(try PolicyStatement(parsing: text))
            } catch {
                throw ControlPlaneError.invalid(field: "statement \(index + 1)", "\(error) in \"\(text)\"")
            }
        }
        return try write { db in
            let compartmentID = try compartment ?? Self.tenancy(db).id
            let target = try Self.compartment(db, compartmentID)
            if !target.isRoot, let index = parsed.firstIndex(where: { $0.location == .tenancy }) {
                throw ControlPlaneError.invalid(field: "statement \(index + 1)", "'in tenancy' is only allowed in a policy of the root compartment")
            }
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM policy WHERE compartment_id = ? AND name = ? COLLATE NOCASE",
                                   arguments: [compartmentID.rawValue, name]) == nil else {
                throw ControlPlaneError.conflict("a policy named \(name) already exists in compartment \(target.name)")
            }
            let policy = Policy(id: .generate(.policy), compartmentId: compartmentID, name: name, description: description,
                                statements: statements, timeCreated: now())
            try Self.insert(db, policy)
            return Policy(row: try Self.fetch(db, "policy", .policy, policy.id))
        }
    }

    static func insert(_ db: Database, _ policy: Policy) throws {
        let statements = String(decoding: try JSONEncoder().encode(policy.statements), as: UTF8.self)
        try db.execute(sql: """
            INSERT INTO policy (id, compartment_id, name, description, statements, lifecycle_state, time_created) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [policy.id.rawValue, policy.compartmentId.rawValue, policy.name, policy.description, statements,
                             policy.lifecycleState.rawValue, policy.timeCreated])
    }

    public func policies() throws -> [Policy] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM policy ORDER BY name COLLATE NOCASE").map(Policy.init(row:)) }
    }

    public func policy(_ id: OCID) throws -> Policy {
        try read { db in Policy(row: try Self.fetch(db, "policy", .policy, id)) }
    }

    public func deletePolicy(_ id: OCID) throws {
        try write { db in try Self.delete(db, "policy", .policy, id) }
    }
}
