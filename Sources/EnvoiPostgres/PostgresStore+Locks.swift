import EnvoiCore
import Foundation
import PostgresNIO

/// Resource locks on approved senders and email domains on PostgreSQL, by the same rules as the
/// SQLite store's (`ControlPlaneRules.adding` / `removing`). The resource's row is locked for the
/// read-modify-write of its locks column, so that two nodes adding locks at once lose neither.
extension PostgresStore: LockStore {
    public func addLock(_ type: ResourceLock.Kind, to id: OCID, compartment: OCID?, relatedResourceId: String?,
                        message: String?) async throws {
        let (table, resourceType) = try Self.lockable(id)
        let message = try message.map { try ControlPlaneRules.description($0, field: "message") }
        try await transaction { connection in
            let (owner, current) = try await lockedRow(connection, table, resourceType, id)
            let lock = ResourceLock(type: type, compartmentId: compartment ?? owner, relatedResourceId: relatedResourceId, message: message,
                                    timeCreated: now())
            try await setLocks(connection, table, id, try ControlPlaneRules.adding(lock, to: current, of: id))
        }
    }

    public func removeLock(_ type: ResourceLock.Kind, from id: OCID) async throws {
        let (table, resourceType) = try Self.lockable(id)
        try await transaction { connection in
            let (_, current) = try await lockedRow(connection, table, resourceType, id)
            try await setLocks(connection, table, id, try ControlPlaneRules.removing(type, from: current, of: id))
        }
    }

    /// The compartment and locks of the resource `id`, its row locked until the transaction ends.
    private func lockedRow(_ connection: PostgresConnection, _ table: String, _ type: ResourceType,
                           _ id: OCID) async throws -> (OCID, [ResourceLock]) {
        let rows = try await connection.query("SELECT compartment_id, locks FROM \(unescaped: table) WHERE id = \(id.rawValue) FOR UPDATE",
                                              logger: logger).collect()
        guard let row = rows.first else { throw ControlPlaneError.notFound(type, id.rawValue) }
        let (compartment, locks) = try row.decode((String, String).self)
        return (try Self.ocid(compartment), ResourceLock.decoded(locks))
    }

    private func setLocks(_ connection: PostgresConnection, _ table: String, _ id: OCID, _ locks: [ResourceLock]) async throws {
        try await connection.query("UPDATE \(unescaped: table) SET locks = \(try ResourceLock.encoded(locks)) WHERE id = \(id.rawValue)",
                                   logger: logger)
    }

    /// The table of a lockable resource: a constant, never text from the request.
    private static func lockable(_ id: OCID) throws(ControlPlaneError) -> (table: String, type: ResourceType) {
        let type = try ControlPlaneRules.lockable(id)
        return (type == .sender ? "sender" : "email_domain", type)
    }
}
