import EnvoiCore
import Foundation
import GRDB

/// The suppression list: tenancy-wide, one entry per lower-cased address, read in pages by
/// address (keyset pagination), so that a million entries never load at once.
extension ControlPlaneStore {
    /// One page of suppressions and the token of the next (EnvoiCore's, which every backend returns).
    public typealias SuppressionPage = EnvoiCore.SuppressionPage

    /// The most entries one page returns.
    public static let maximumPageSize = SuppressionPage.maximumSize

    /// Adds an address. An address already on the list is refused with what it is suppressed for.
    public func addSuppression(email: String, reason: SuppressionReason = .manual, messageId: String? = nil,
                               errorDetail: String? = nil, errorSource: String? = nil) throws -> Suppression {
        let address = try ControlPlaneRules.suppressionAddress(email)
        return try write { db in
            let tenancy = try Self.tenancy(db).id
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM suppression WHERE email_address = ?", arguments: [address]) {
                let existing = Suppression(row: row, tenancy: tenancy)
                throw ControlPlaneError.conflict("\(address) is already suppressed (\(existing.reason.rawValue), \(existing.id))")
            }
            let time = now()
            let suppression = Suppression(id: .generate(.suppression), compartmentId: tenancy, emailAddress: address, reason: reason,
                                          timeCreated: time, timeLastSuppressed: time, messageId: messageId,
                                          errorDetail: errorDetail, errorSource: errorSource)
            try db.execute(sql: """
                INSERT INTO suppression (id, email_address, reason, time_created, time_last_suppressed, message_id, error_detail, error_source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [suppression.id.rawValue, address, reason.rawValue, time, time, messageId, errorDetail, errorSource])
            return Suppression(row: try Self.fetch(db, "suppression", .suppression, suppression.id), tenancy: tenancy)
        }
    }

    /// A page of suppressions in address order, filtered by address prefix and reason.
    public func suppressions(prefix: String? = nil, reason: SuppressionReason? = nil, limit: Int = 100,
                             page: String? = nil) throws -> SuppressionPage {
        try SuppressionPage.checkLimit(limit)
        let after = try page.map(SuppressionPage.address(fromToken:))
        let prefix = prefix?.lowercased() ?? ""
        return try read { db in
            let tenancy = try Self.tenancy(db).id
            // The address range [prefix, prefix + U+10FFFF) keeps an index usable for the filter:
            // the unique address index without a reason, `suppression_reason (reason, email_address)`
            // with one (an `?4 IS NULL OR` test would make SQLite scan every row for a rare reason).
            let reasonTest = reason == nil ? "?4 IS NULL" : "reason = ?4"
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM suppression
                WHERE \(reasonTest) AND email_address >= ?1 AND email_address < ?2 AND (?3 IS NULL OR email_address > ?3)
                ORDER BY email_address LIMIT ?5
                """, arguments: [prefix, prefix + "\u{10FFFF}", after, reason?.rawValue, limit + 1])
            let items = rows.prefix(limit).map { Suppression(row: $0, tenancy: tenancy) }
            let next = rows.count > limit ? items.last.map { SuppressionPage.token(after: $0.emailAddress) } : nil
            return SuppressionPage(items: Array(items), nextPage: next)
        }
    }

    /// The number of suppressions, optionally of one reason.
    public func suppressionCount(reason: SuppressionReason? = nil) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM suppression WHERE ?1 IS NULL OR reason = ?1", arguments: [reason?.rawValue]) ?? 0
        }
    }

    public func suppression(_ id: OCID) throws -> Suppression {
        try read { db in Suppression(row: try Self.fetch(db, "suppression", .suppression, id), tenancy: try Self.tenancy(db).id) }
    }

    /// Which of `addresses` (each as `ControlPlaneRules.suppressionAddress` writes it) are on the
    /// suppression list: the lookups of the intake's recipients (each SMTP RCPT, each HTTPS
    /// recipient), batched, on one connection, each a cached statement reading one indexed row.
    public func suppressed(among addresses: [String]) throws -> Set<String> {
        #if DEBUG
        try StoreFault.suppressions.inject()
        #endif
        return try readWithoutTransaction { db in
            let statement = try db.cachedStatement(sql: "SELECT 1 FROM suppression WHERE email_address = ?")
            return try Set(addresses.filter { try Bool.fetchOne(statement, arguments: [$0]) ?? false })
        }
    }

    /// The entry for an address, if suppressed.
    public func suppression(email: String) throws -> Suppression? {
        let address = try ControlPlaneRules.suppressionAddress(email)
        return try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM suppression WHERE email_address = ?", arguments: [address])
                .map { Suppression(row: $0, tenancy: try Self.tenancy(db).id) }
        }
    }

    public func removeSuppression(_ id: OCID) throws {
        try write { db in try Self.delete(db, "suppression", .suppression, id) }
    }
}
