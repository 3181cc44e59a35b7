import EnvoiCore
import Foundation
import GRDB

/// DKIM keys for the HTTPS API: creation through the injected `DkimKeyCreator` (the same path
/// as `envoi dkim create`), look-ups, description changes and deletion, each change recorded
/// as a SUCCEEDED work request.
extension StoreControlPlane: DkimStore {
    public func createDkim(_ creation: DkimCreation, answering: Answering<(DkimKey, WorkRequest)>) async throws -> RecordedAnswer {
        try await run { [dkimKeys] store in
            // Generation takes long (RSA): outside the write transaction, which stores the key only.
            let made = try dkimKeys.makeDkimKey(creation, domain: try store.emailDomain(creation.emailDomainId))
            return try store.answering(answering) { try store.atomically {
                let key = try store.insertDkim(made.key, privateKeyPEM: made.privateKeyPEM)
                return (key, try store.recordWorkRequest(.created(key)))
            } }
        }
    }

    public func dkim(_ id: OCID) async throws -> DkimKey { try await run { try $0.dkimKey(id) } }
    public func dkims(_ query: DkimQuery) async throws -> ListPage<DkimKey> { try await run { try $0.dkimKeys(query) } }

    public func updateDkim(_ id: OCID, description: String?, tags: ResourceTags?) async throws -> (DkimKey, WorkRequest) {
        try await run { store in try store.atomically {
            let key = try store.updateDkim(id, description: description, tags: tags)
            return (key, try store.recordWorkRequest(.updated(key)))
        } }
    }

    public func deleteDkim(_ id: OCID) async throws -> WorkRequest {
        try await run { store in try store.atomically {
            let key = try store.dkimKey(id)
            try store.deleteDkim(id)
            return try store.recordWorkRequest(.deleted(key))
        } }
    }
}

extension ControlPlaneStore {
    /// One page of a domain's DKIM keys (404 when the domain does not exist).
    public func dkimKeys(_ query: DkimQuery) throws -> ListPage<DkimKey> {
        let column = switch query.sortBy {
        case .timeCreated: "time_created"
        case .id: "id"
        case .name: "name"
        }
        return try read { db in
            _ = try Self.fetch(db, "email_domain", .emailDomain, query.emailDomainId)
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM dkim WHERE email_domain_id = ?1 AND (?2 IS NULL OR id = ?2) AND (?3 IS NULL OR lower(name) = lower(?3))
                AND (?4 IS NULL OR lifecycle_state = ?4)
                ORDER BY \(column) \(Self.direction(query.sortOrder)), id \(Self.direction(query.sortOrder)) LIMIT ?5 OFFSET ?6
                """, arguments: [query.emailDomainId.rawValue, query.id?.rawValue, query.name, query.lifecycleState?.rawValue,
                                 query.page.limit + 1, query.page.offset])
            return Self.page(rows.map(DkimKey.init(row:)), query.page)
        }
    }

    /// Changes a DKIM key's description and tags (nil leaves each as it is) and returns the key.
    public func updateDkim(_ id: OCID, description: String?, tags: ResourceTags? = nil) throws -> DkimKey {
        let description = try description.map { try ControlPlaneRules.description($0) }
        let tags = try tags.map { try ControlPlaneRules.tags($0) }
        return try write { db in
            _ = try Self.fetch(db, "dkim", .dkim, id)
            if let description {
                try db.execute(sql: "UPDATE dkim SET description = ?, time_updated = ? WHERE id = ?",
                               arguments: [description, now(), id.rawValue])
            }
            if let columns = tags?.columns {
                try db.execute(sql: "UPDATE dkim SET freeform_tags = ?, defined_tags = ?, time_updated = ? WHERE id = ?",
                               arguments: [columns.freeform, columns.defined, now(), id.rawValue])
            }
            return DkimKey(row: try Self.fetch(db, "dkim", .dkim, id))
        }
    }
}
