import EnvoiCore
import Foundation
import GRDB

/// The filtered, sorted, paged lists of the HTTPS control plane. Sorting uses whitelisted
/// columns only, with the id as tie-breaker so that pages never overlap or skip a row.
extension ControlPlaneStore {
    public func senders(_ query: SenderQuery) throws -> ListPage<Sender> {
        let column = query.sortBy == .timeCreated ? "time_created" : "lower(email_address)"
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM sender WHERE compartment_id = ?1 AND (?2 IS NULL OR lifecycle_state = ?2)
                AND (?3 IS NULL OR lower(substr(email_address, instr(email_address, '@') + 1)) = lower(?3))
                AND (?4 IS NULL OR lower(email_address) = lower(?4))
                ORDER BY \(column) \(Self.direction(query.sortOrder)), id \(Self.direction(query.sortOrder)) LIMIT ?5 OFFSET ?6
                """, arguments: [query.compartment.rawValue, query.lifecycleState?.rawValue, query.domain, query.emailAddress,
                                 query.page.limit + 1, query.page.offset])
            return Self.page(rows.map(Sender.init(row:)), query.page)
        }
    }

    public func suppressions(_ query: SuppressionQuery) throws -> ListPage<Suppression> {
        let column = query.sortBy == .timeCreated ? "time_created" : "email_address"
        return try read { db in
            let tenancy = try Self.tenancy(db).id
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM suppression WHERE (?1 IS NULL OR email_address = lower(?1))
                AND (?2 IS NULL OR time_created >= ?2) AND (?3 IS NULL OR time_created < ?3)
                ORDER BY \(column) \(Self.direction(query.sortOrder)), id \(Self.direction(query.sortOrder)) LIMIT ?4 OFFSET ?5
                """, arguments: [query.emailAddress, query.timeCreatedGreaterThanOrEqualTo, query.timeCreatedLessThan,
                                 query.page.limit + 1, query.page.offset])
            return Self.page(rows.map { Suppression(row: $0, tenancy: tenancy) }, query.page)
        }
    }

    public func emailDomains(_ query: EmailDomainQuery) throws -> ListPage<EmailDomain> {
        let column = switch query.sortBy {
        case .timeCreated: "time_created"
        case .id: "id"
        case .name: "name"
        }
        return try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM email_domain WHERE compartment_id = ?1 AND (?2 IS NULL OR id = ?2) AND (?3 IS NULL OR name = lower(?3))
                AND (?4 IS NULL OR lifecycle_state = ?4)
                ORDER BY \(column) \(Self.direction(query.sortOrder)), id \(Self.direction(query.sortOrder)) LIMIT ?5 OFFSET ?6
                """, arguments: [query.compartment.rawValue, query.id?.rawValue, query.name, query.lifecycleState?.rawValue,
                                 query.page.limit + 1, query.page.offset])
            return Self.page(rows.map(EmailDomain.init(row:)), query.page)
        }
    }

    public func workRequests(_ query: WorkRequestQuery) throws -> ListPage<WorkRequest> {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM work_request WHERE compartment_id = ?1 AND (?2 IS NULL OR id = ?2) AND (?3 IS NULL OR status = ?3)
                AND (?4 IS NULL OR operation_type = ?4)
                ORDER BY time_accepted \(Self.direction(query.sortOrder)), id \(Self.direction(query.sortOrder)) LIMIT ?5 OFFSET ?6
                """, arguments: [query.compartment.rawValue, query.workRequestId?.rawValue, query.status?.rawValue,
                                 query.operationType?.rawValue, query.page.limit + 1, query.page.offset])
            return Self.page(rows.map(WorkRequest.init(row:)), query.page)
        }
    }

    static func direction(_ order: ListOrder) -> String { order == .ascending ? "ASC" : "DESC" }

    /// The first `limit` of `items` (fetched with one extra to know whether a next page exists).
    static func page<Item>(_ items: [Item], _ page: PageRequest) -> ListPage<Item> { ListPage(fetched: items, page) }
}
