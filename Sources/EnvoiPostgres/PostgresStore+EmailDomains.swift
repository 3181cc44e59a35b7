import EnvoiCore
import Foundation
import PostgresNIO

/// Email domains on PostgreSQL, for the HTTPS API: the same rules, errors, ordering and work
/// requests as the SQLite store (EnvoiStore `ControlPlaneStore+Email`, `+Listing` and
/// `StoreControlPlane`). Each change and its work request are one transaction.
extension PostgresStore: EmailDomainStore {
    /// The columns of an email domain, in the order `emailDomain(from:)` decodes them.
    static let emailDomainColumns = """
        id, compartment_id, name, lifecycle_state, active_dkim_id, is_spf, domain_verification_status, description, time_created,
        freeform_tags, defined_tags, locks
        """

    typealias EmailDomainRow = (String, String, String, String, String?, Bool, String, String?, Date, String, String, String)

    public func createEmailDomain(name: String, compartment: OCID, description: String?, tags: ResourceTags,
                                  answering: Answering<(EmailDomain, WorkRequest)>) async throws -> RecordedAnswer {
        let domain = try ControlPlaneRules.emailDomainName(name)
        let description = try description.map { try ControlPlaneRules.description($0) }
        let columns = try ControlPlaneRules.tags(tags).columns
        return try await self.answering(answering) { connection in
            try await Self.requireCompartment(connection, logger, compartment)
            let created = EmailDomain(id: .generate(.emailDomain), name: domain.value, compartmentId: compartment,
                                      description: description, timeCreated: now())
            // ON CONFLICT DO NOTHING: a node creating the same name at the same moment gets the
            // same conflict as a later create, not a unique-violation error.
            let inserted = try await connection.query("""
                INSERT INTO email_domain (id, compartment_id, name, lifecycle_state, active_dkim_id, is_spf, domain_verification_status,
                                          description, time_created, freeform_tags, defined_tags)
                VALUES (\(created.id.rawValue), \(compartment.rawValue), \(created.name), \(created.lifecycleState.rawValue), NULL,
                        \(created.isSpf), \(created.domainVerificationStatus.rawValue), \(description), \(created.timeCreated),
                        \(columns.freeform), \(columns.defined))
                ON CONFLICT DO NOTHING
                RETURNING id
                """, logger: logger).collect()
            guard !inserted.isEmpty else { throw ControlPlaneError.conflict("email domain \(domain) already exists") }
            // Senders of this domain created before it now belong to it.
            try await connection.query("""
                UPDATE sender SET email_domain_id = \(created.id.rawValue)
                WHERE lower(substr(email_address, strpos(email_address, '@') + 1)) = \(domain.value)
                """, logger: logger)
            let stored = try await Self.emailDomain(created.id, on: connection, logger)
            return (stored, try await recordWorkRequest(.created(stored), on: connection))
        }
    }

    public func emailDomain(_ id: OCID) async throws -> EmailDomain {
        try await client.withConnection { try await Self.emailDomain(id, on: $0, logger) }
    }

    /// A page in the order asked for, with the id as tie-breaker so that pages never overlap or
    /// skip a row; fetched with one extra row to know whether a next page exists.
    public func emailDomains(_ query: EmailDomainQuery) async throws -> ListPage<EmailDomain> {
        // Whitelisted column and direction only: nothing from the request reaches the SQL text.
        // COLLATE "C" orders text by bytes, as SQLite does, whatever the database's locale.
        let column = switch query.sortBy {
        case .timeCreated: "time_created"
        case .id: "id COLLATE \"C\""
        case .name: "name COLLATE \"C\""
        }
        let direction = query.sortOrder == .ascending ? "ASC" : "DESC"
        let rows = try await client.query("""
            SELECT \(unescaped: Self.emailDomainColumns) FROM email_domain
            WHERE compartment_id = \(query.compartment.rawValue)
            AND (\(query.id?.rawValue)::text IS NULL OR id = \(query.id?.rawValue))
            AND (\(query.name)::text IS NULL OR name = lower(\(query.name)))
            AND (\(query.lifecycleState?.rawValue)::text IS NULL OR lifecycle_state = \(query.lifecycleState?.rawValue))
            ORDER BY \(unescaped: column) \(unescaped: direction), id COLLATE "C" \(unescaped: direction)
            LIMIT \(query.page.limit + 1) OFFSET \(query.page.offset)
            """, logger: logger).collect()
        return ListPage(fetched: try rows.map { try Self.emailDomain(from: $0.decode(EmailDomainRow.self)) }, query.page)
    }

    public func updateEmailDomain(_ id: OCID, description: String?, tags: ResourceTags?) async throws -> (EmailDomain, WorkRequest) {
        let description = try description.map { try ControlPlaneRules.description($0) }
        let columns = try tags.map { try ControlPlaneRules.tags($0).columns }
        return try await transaction { connection in
            _ = try await Self.emailDomain(id, on: connection, logger, forUpdate: true)
            if let description {
                try await connection.query("UPDATE email_domain SET description = \(description) WHERE id = \(id.rawValue)", logger: logger)
            }
            if let columns {
                try await connection.query("""
                    UPDATE email_domain SET freeform_tags = \(columns.freeform), defined_tags = \(columns.defined) WHERE id = \(id.rawValue)
                    """, logger: logger)
            }
            let domain = try await Self.emailDomain(id, on: connection, logger)
            return (domain, try await recordWorkRequest(.updated(domain), on: connection))
        }
    }

    /// Deletes a domain and, through the foreign keys, its DKIM keys; its senders stay approved
    /// but no longer belong to it.
    public func deleteEmailDomain(_ id: OCID) async throws -> WorkRequest {
        try await transaction { connection in
            let domain = try await Self.emailDomain(id, on: connection, logger, forUpdate: true)
            try await connection.query("DELETE FROM email_domain WHERE id = \(id.rawValue)", logger: logger)
            return try await recordWorkRequest(.deleted(domain), on: connection)
        }
    }

    /// Moves the domain to `compartment`; its DKIM keys, which live in the domain's compartment,
    /// move with it.
    public func moveEmailDomain(_ id: OCID, to compartment: OCID, answering: Answering<(EmailDomain, WorkRequest)>) async throws -> RecordedAnswer {
        try await self.answering(answering) { connection in
            _ = try await Self.emailDomain(id, on: connection, logger, forUpdate: true)
            try await Self.requireCompartment(connection, logger, compartment)
            try await connection.query("UPDATE email_domain SET compartment_id = \(compartment.rawValue) WHERE id = \(id.rawValue)",
                                       logger: logger)
            try await connection.query("UPDATE dkim SET compartment_id = \(compartment.rawValue) WHERE email_domain_id = \(id.rawValue)",
                                       logger: logger)
            let domain = try await Self.emailDomain(id, on: connection, logger)
            return (domain, try await recordWorkRequest(.moved(domain, to: compartment), on: connection))
        }
    }

    /// The domain `id` as `connection` sees it, or the not-found error; `forUpdate` locks its row
    /// until the transaction ends, so that a concurrent change of the domain waits.
    static func emailDomain(_ id: OCID, on connection: PostgresConnection, _ logger: Logger,
                            forUpdate: Bool = false) async throws -> EmailDomain {
        let rows = try await connection.query("""
            SELECT \(unescaped: emailDomainColumns) FROM email_domain WHERE id = \(id.rawValue) \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, logger: logger).collect()
        guard let row = rows.first else { throw ControlPlaneError.notFound(.emailDomain, id.rawValue) }
        return try emailDomain(from: row.decode(EmailDomainRow.self))
    }

    static func emailDomain(from row: EmailDomainRow) throws -> EmailDomain {
        let (id, compartment, name, state, activeDkim, isSpf, verification, description, created, freeform, defined, locks) = row
        return EmailDomain(id: try ocid(id), name: name, compartmentId: try ocid(compartment),
                           lifecycleState: EmailDomainLifecycleState(rawValue: state) ?? .failed,
                           activeDkimId: try activeDkim.map(ocid), isSpf: isSpf,
                           domainVerificationStatus: DomainVerificationStatus(rawValue: verification) ?? .none,
                           description: description, timeCreated: created, tags: ResourceTags(freeformColumn: freeform, definedColumn: defined),
                           locks: ResourceLock.decoded(locks))
    }
}
