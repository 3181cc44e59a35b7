import EnvoiCore
import Foundation
import PostgresNIO

/// What the DKIM DNS checker reads and writes on PostgreSQL: the same keys, order and state
/// changes as the SQLite store's (EnvoiStore `ControlPlaneStore+Dkim`). Whichever node runs the
/// check (one at a time, `dkimCheckJob`), every node signs with the key it makes ACTIVE.
extension PostgresStore: DkimCheckStore {
    public func dkimKeyOfDomain(_ id: OCID) async throws -> DkimKeyOfDomain {
        try await transaction { connection in
            let key = try await Self.dkimKey(id, on: connection, logger)
            return DkimKeyOfDomain(key: key, domainName: try await Self.emailDomain(key.emailDomainId, on: connection, logger).name)
        }
    }

    public func allDkimKeys() async throws -> [DkimKeyOfDomain] {
        try await transaction { connection in
            let names = try await connection.query("SELECT id, name FROM email_domain", logger: logger).collect()
                .reduce(into: [String: String]()) { names, row in
                    let (id, name) = try row.decode((String, String).self)
                    names[id] = name
                }
            return try await connection.query("""
                SELECT \(unescaped: Self.qualifiedDkimColumns) FROM dkim JOIN email_domain ON email_domain.id = dkim.email_domain_id
                ORDER BY email_domain.name COLLATE "C", dkim.time_created, dkim.id COLLATE "C"
                """, logger: logger).collect().map { row in
                    let key = try Self.dkimKey(from: row.decode(DkimRow.self))
                    return DkimKeyOfDomain(key: key, domainName: names[key.emailDomainId.rawValue] ?? "")
                }
        }
    }

    public func setDkimState(_ id: OCID, _ state: DkimLifecycleState, details: String?) async throws -> DkimKey {
        try await transaction { connection in
            // The key's row lock: a check and an API change of the same key apply one after the other.
            _ = try await Self.dkimKey(id, on: connection, logger, forUpdate: true)
            return try await setDkimState(id, state, details: details, at: now(), on: connection)
        }
    }

    public func setDkimDetails(_ id: OCID, details: String) async throws -> DkimKey {
        let rows = try await client.query("""
            UPDATE dkim SET lifecycle_details = \(details), time_updated = \(now()) WHERE id = \(id.rawValue)
            RETURNING \(unescaped: Self.dkimColumns)
            """, logger: logger).collect()
        guard let row = rows.first else { throw ControlPlaneError.notFound(.dkim, id.rawValue) }
        return try Self.dkimKey(from: row.decode(DkimRow.self))
    }

    /// `dkimColumns` qualified by the table, for queries that join the email domain.
    static let qualifiedDkimColumns = dkimColumns.split(separator: ",")
        .map { "dkim." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")
}
