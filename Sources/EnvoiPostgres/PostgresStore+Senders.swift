import EnvoiCore
import Foundation
import PostgresNIO

/// Approved senders on PostgreSQL: the same rules, errors, order and page offsets as the SQLite
/// store's (EnvoiStore `ControlPlaneStore+Email` and `+Listing`). Locks are kept here and
/// enforced by the HTTPS API (`ControlPlaneRules.blockingLock`), as on SQLite.
extension PostgresStore: SenderStore {
    /// The columns of a sender, in the order `sender(from:)` decodes them.
    static let senderColumns = """
        id, compartment_id, email_address, email_domain_id, is_spf, lifecycle_state, time_created, freeform_tags, defined_tags, locks
        """

    /// Approves a sender address (or `@domain` wildcard, once that domain has an ACTIVE DKIM key)
    /// in a compartment; an address is unique in the tenancy without regard to case.
    public func createSender(email: String, compartment: OCID, tags: ResourceTags) async throws -> Sender {
        let address = try ControlPlaneRules.senderAddress(email)
        let columns = try ControlPlaneRules.tags(tags).columns
        return try await transaction { connection in
            try await Self.requireCompartment(connection, logger, compartment)
            let domains = try await connection.query("""
                SELECT id, is_spf, active_dkim_id FROM email_domain WHERE lower(name) = \(address.domain)
                """, logger: logger).collect()
            let domain = try domains.first.map { try $0.decode((String, Bool, String?).self) }
            try ControlPlaneRules.checkWildcard(address, domainHasActiveDkim: domain?.2 != nil)
            // ON CONFLICT DO NOTHING: a node approving the same address at the same moment gets
            // the same conflict as a later approval, not a unique-violation error.
            let inserted = try await connection.query("""
                INSERT INTO sender (id, compartment_id, email_address, email_domain_id, is_spf, lifecycle_state, time_created, freeform_tags,
                                    defined_tags)
                VALUES (\(OCID.generate(.sender).rawValue), \(compartment.rawValue), \(address.text), \(domain?.0), \(domain?.1 ?? false),
                        \(SenderLifecycleState.active.rawValue), \(now()), \(columns.freeform), \(columns.defined))
                ON CONFLICT ((lower(email_address))) DO NOTHING
                RETURNING \(unescaped: Self.senderColumns)
                """, logger: logger).collect()
            if let row = inserted.first { return try Self.sender(from: row) }
            let existing = try await connection.query("""
                SELECT email_address, id FROM sender WHERE lower(email_address) = lower(\(address.text))
                """, logger: logger).collect()
            guard let (existingAddress, existingID) = try existing.first?.decode((String, String).self) else {
                throw ControlPlaneError.conflict("\(address.text) is already an approved sender")
            }
            throw ControlPlaneError.conflict("\(existingAddress) is already an approved sender (\(existingID))")
        }
    }

    /// Replaces an approved sender's tags (the only thing about a sender that changes in place).
    public func updateSender(_ id: OCID, tags: ResourceTags) async throws -> Sender {
        let columns = try ControlPlaneRules.tags(tags).columns
        let rows = try await client.query("""
            UPDATE sender SET freeform_tags = \(columns.freeform), defined_tags = \(columns.defined) WHERE id = \(id.rawValue)
            RETURNING \(unescaped: Self.senderColumns)
            """, logger: logger).collect()
        guard let row = rows.first else { throw ControlPlaneError.notFound(.sender, id.rawValue) }
        return try Self.sender(from: row)
    }

    public func sender(_ id: OCID) async throws -> Sender {
        let rows = try await client.query("SELECT \(unescaped: Self.senderColumns) FROM sender WHERE id = \(id.rawValue)", logger: logger)
            .collect()
        guard let row = rows.first else { throw ControlPlaneError.notFound(.sender, id.rawValue) }
        return try Self.sender(from: row)
    }

    /// A page in the order asked for, with the id as tie-breaker so that pages never overlap or
    /// skip a row; fetched with one extra row to know whether a next page exists. Text sorts in
    /// byte order (COLLATE "C"), as SQLite's BINARY collation does.
    public func senders(_ query: SenderQuery) async throws -> ListPage<Sender> {
        // Whitelisted column and direction only: nothing from the request reaches the SQL text.
        let column = query.sortBy == .timeCreated ? "time_created" : #"lower(email_address) COLLATE "C""#
        let direction = query.sortOrder == .ascending ? "ASC" : "DESC"
        let state = query.lifecycleState?.rawValue
        // The domain is what follows the first '@', as SQLite's substr/instr take it.
        let rows = try await client.query("""
            SELECT \(unescaped: Self.senderColumns) FROM sender WHERE compartment_id = \(query.compartment.rawValue)
            AND (\(state)::text IS NULL OR lifecycle_state = \(state))
            AND (\(query.domain)::text IS NULL OR lower(substr(email_address, strpos(email_address, '@') + 1)) = lower(\(query.domain)))
            AND (\(query.emailAddress)::text IS NULL OR lower(email_address) = lower(\(query.emailAddress)))
            ORDER BY \(unescaped: column) \(unescaped: direction), id COLLATE "C" \(unescaped: direction)
            LIMIT \(query.page.limit + 1) OFFSET \(query.page.offset)
            """, logger: logger).collect()
        return ListPage(fetched: try rows.map(Self.sender(from:)), query.page)
    }

    public func deleteSender(_ id: OCID) async throws {
        let deleted = try await client.query("DELETE FROM sender WHERE id = \(id.rawValue) RETURNING id", logger: logger).collect()
        guard !deleted.isEmpty else { throw ControlPlaneError.notFound(.sender, id.rawValue) }
    }

    /// Moves an approved sender to another compartment: from then on the policies of that
    /// compartment (and its ancestors) decide who may send as it.
    public func moveSender(_ id: OCID, to compartment: OCID) async throws -> Sender {
        try await transaction { connection in
            try await Self.require(connection, logger, "SELECT 1 FROM sender WHERE id = \(id.rawValue) FOR UPDATE", .sender, id)
            try await Self.requireCompartment(connection, logger, compartment)
            let rows = try await connection.query("""
                UPDATE sender SET compartment_id = \(compartment.rawValue) WHERE id = \(id.rawValue) RETURNING \(unescaped: Self.senderColumns)
                """, logger: logger).collect()
            guard let row = rows.first else { throw ControlPlaneError.notFound(.sender, id.rawValue) }
            return try Self.sender(from: row)
        }
    }

    static func sender(from row: PostgresRow) throws -> Sender {
        let (id, compartment, address, domain, isSpf, state, created, freeform, defined, locks) = try row.decode(
            (String, String, String, String?, Bool, String, Date, String, String, String).self)
        return Sender(id: try ocid(id), compartmentId: try ocid(compartment), emailAddress: address, emailDomainId: try domain.map(ocid),
                      isSpf: isSpf, lifecycleState: SenderLifecycleState(rawValue: state) ?? .failed, timeCreated: created,
                      tags: ResourceTags(freeformColumn: freeform, definedColumn: defined), locks: ResourceLock.decoded(locks))
    }
}
