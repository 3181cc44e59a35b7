import EnvoiCore
import Foundation
import PostgresNIO

/// The tenancy-wide suppression list on PostgreSQL: the same rules, errors and page offsets as
/// the SQLite store's (EnvoiStore `ControlPlaneStore+Suppressions` and `+Listing`).
extension PostgresStore: SuppressionStore {
    /// The columns of a suppression, in the order `suppression(from:tenancy:)` decodes them.
    static let suppressionColumns = "id, email_address, reason, time_created, time_last_suppressed, message_id, error_detail, error_source"

    typealias SuppressionRow = (String, String, String, Date, Date, String?, String?, String?)

    public func addSuppression(email: String) async throws -> Suppression {
        let address = try ControlPlaneRules.suppressionAddress(email)
        return try await transaction { connection in
            let tenancy = try await Self.tenancy(connection, logger)
            let time = now()
            // ON CONFLICT DO NOTHING: a node adding the same address at the same moment gets the
            // same conflict as a later add, not a unique-violation error.
            let inserted = try await connection.query("""
                INSERT INTO suppression (id, email_address, reason, time_created, time_last_suppressed)
                VALUES (\(OCID.generate(.suppression).rawValue), \(address), \(SuppressionReason.manual.rawValue), \(time), \(time))
                ON CONFLICT (email_address) DO NOTHING
                RETURNING \(unescaped: Self.suppressionColumns)
                """, logger: logger).collect()
            if let row = inserted.first {
                return try Self.suppression(from: row.decode(SuppressionRow.self), tenancy: tenancy)
            }
            let existing = try await connection.query(
                "SELECT \(unescaped: Self.suppressionColumns) FROM suppression WHERE email_address = \(address)", logger: logger).collect()
            guard let row = existing.first else { throw ControlPlaneError.conflict("\(address) is already suppressed") }
            let suppression = try Self.suppression(from: row.decode(SuppressionRow.self), tenancy: tenancy)
            throw ControlPlaneError.conflict("\(address) is already suppressed (\(suppression.reason.rawValue), \(suppression.id))")
        }
    }

    public func suppression(_ id: OCID) async throws -> Suppression {
        try await client.withConnection { connection in
            let tenancy = try await Self.tenancy(connection, logger)
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.suppressionColumns) FROM suppression WHERE id = \(id.rawValue)", logger: logger).collect()
            guard let row = rows.first else { throw ControlPlaneError.notFound(.suppression, id.rawValue) }
            return try Self.suppression(from: row.decode(SuppressionRow.self), tenancy: tenancy)
        }
    }

    /// A page in the order asked for, with the id as tie-breaker so that pages never overlap or
    /// skip a row; fetched with one extra row to know whether a next page exists.
    public func suppressions(_ query: SuppressionQuery) async throws -> ListPage<Suppression> {
        // Whitelisted column and direction only: nothing from the request reaches the SQL text.
        let column = query.sortBy == .timeCreated ? "time_created" : "email_address"
        let direction = query.sortOrder == .ascending ? "ASC" : "DESC"
        return try await client.withConnection { connection in
            let tenancy = try await Self.tenancy(connection, logger)
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.suppressionColumns) FROM suppression
                WHERE (\(query.emailAddress)::text IS NULL OR email_address = lower(\(query.emailAddress)))
                AND (\(query.timeCreatedGreaterThanOrEqualTo)::timestamptz IS NULL OR time_created >= \(query.timeCreatedGreaterThanOrEqualTo))
                AND (\(query.timeCreatedLessThan)::timestamptz IS NULL OR time_created < \(query.timeCreatedLessThan))
                ORDER BY \(unescaped: column) \(unescaped: direction), id \(unescaped: direction)
                LIMIT \(query.page.limit + 1) OFFSET \(query.page.offset)
                """, logger: logger).collect()
            return ListPage(fetched: try rows.map { try Self.suppression(from: $0.decode(SuppressionRow.self), tenancy: tenancy) }, query.page)
        }
    }

    public func removeSuppression(_ id: OCID) async throws {
        let deleted = try await client.query("DELETE FROM suppression WHERE id = \(id.rawValue) RETURNING id", logger: logger).collect()
        guard !deleted.isEmpty else { throw ControlPlaneError.notFound(.suppression, id.rawValue) }
    }

    static func suppression(from row: SuppressionRow, tenancy: OCID) throws -> Suppression {
        let (id, address, reason, created, lastSuppressed, messageId, detail, source) = row
        return Suppression(id: try ocid(id), compartmentId: tenancy, emailAddress: address,
                           reason: SuppressionReason(rawValue: reason) ?? .unknown, timeCreated: created,
                           timeLastSuppressed: lastSuppressed, messageId: messageId, errorDetail: detail, errorSource: source)
    }
}
