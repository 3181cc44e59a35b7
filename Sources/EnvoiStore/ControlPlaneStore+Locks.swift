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
            var locks = ResourceLock.decoded(row["locks"])
            guard !locks.contains(where: { $0.type == type }) else {
                throw ControlPlaneError.conflict("\(resourceType.displayName) \(id) already has a \(type.rawValue) lock")
            }
            let lockCompartment = compartment ?? OCID(uncheckedRow: row["compartment_id"])
            locks.append(ResourceLock(type: type, compartmentId: lockCompartment, relatedResourceId: relatedResourceId, message: message,
                                      timeCreated: now()))
            try db.execute(sql: "UPDATE \(table) SET locks = ? WHERE id = ?", arguments: [try ResourceLock.encoded(locks), id.rawValue])
        }
    }

    /// Removes the lock of `type` from the sender or email domain `id`.
    public func removeLock(_ type: ResourceLock.Kind, from id: OCID) throws {
        let (table, resourceType) = try Self.lockable(id)
        try write { db in
            var locks = ResourceLock.decoded(try Self.fetch(db, table, resourceType, id)["locks"])
            guard let index = locks.firstIndex(where: { $0.type == type }) else {
                throw ControlPlaneError.invalid(field: "type", "\(resourceType.displayName) \(id) has no \(type.rawValue) lock")
            }
            locks.remove(at: index)
            try db.execute(sql: "UPDATE \(table) SET locks = ? WHERE id = ?", arguments: [try ResourceLock.encoded(locks), id.rawValue])
        }
    }

    /// The table of a lockable resource.
    private static func lockable(_ id: OCID) throws(ControlPlaneError) -> (table: String, type: ResourceType) {
        switch id.type {
        case .sender: ("sender", .sender)
        case .emailDomain: ("email_domain", .emailDomain)
        default: throw .invalid(field: "id", "only senders and email domains take locks")
        }
    }
}
