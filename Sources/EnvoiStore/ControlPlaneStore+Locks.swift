import EnvoiCore
import Foundation
import GRDB

/// Resource locks on approved senders and email domains (addLock / removeLock). The store keeps
/// them; the HTTPS API refuses what they forbid (`ControlPlaneRules.blockingLock`).
extension ControlPlaneStore {
    /// Adds a lock of `type` to the sender or email domain `id`; a second lock of one type is a
    /// conflict, as the cloud service answers.
    public func addLock(_ type: ResourceLock.Kind, to id: OCID, compartment: OCID?, relatedResourceId: String?,
                        message: String?) throws {
        let (table, resourceType) = try Self.lockable(id)
        let message = try message.map { try ControlPlaneRules.description($0, field: "message") }
        try write { db in
            let row = try Self.fetch(db, table, resourceType, id)
            let lock = ResourceLock(type: type, compartmentId: compartment ?? OCID(uncheckedRow: row["compartment_id"]),
                                    relatedResourceId: relatedResourceId, message: message, timeCreated: now())
            let locks = try ControlPlaneRules.adding(lock, to: ResourceLock.decoded(row["locks"]), of: id)
            try db.execute(sql: "UPDATE \(table) SET locks = ? WHERE id = ?", arguments: [try ResourceLock.encoded(locks), id.rawValue])
        }
    }

    /// Removes the lock of `type` from the sender or email domain `id`.
    public func removeLock(_ type: ResourceLock.Kind, from id: OCID) throws {
        let (table, resourceType) = try Self.lockable(id)
        try write { db in
            let locks = try ControlPlaneRules.removing(type, from: ResourceLock.decoded(try Self.fetch(db, table, resourceType, id)["locks"]),
                                                       of: id)
            try db.execute(sql: "UPDATE \(table) SET locks = ? WHERE id = ?", arguments: [try ResourceLock.encoded(locks), id.rawValue])
        }
    }

    /// The table of a lockable resource.
    private static func lockable(_ id: OCID) throws(ControlPlaneError) -> (table: String, type: ResourceType) {
        let type = try ControlPlaneRules.lockable(id)
        return (type == .sender ? "sender" : "email_domain", type)
    }
}
