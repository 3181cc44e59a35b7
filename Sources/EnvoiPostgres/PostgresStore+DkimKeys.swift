import EnvoiCore
import EnvoiSecrets
import Foundation
import PostgresNIO

/// DKIM keys on PostgreSQL, for the HTTPS API: the same rules, errors, ordering and work requests
/// as the SQLite store (EnvoiStore `ControlPlaneStore+Email`, `+Dkim` and `StoreControlPlane+Dkim`).
/// Private keys go in sealed and never come out of this interface.
extension PostgresStore: DkimStore {
    /// The columns of a DKIM key (never the private key), in the order `dkimKey(from:)` decodes them.
    static let dkimColumns = """
        id, email_domain_id, compartment_id, name, lifecycle_state, lifecycle_details, description, algorithm, key_length,
        is_imported, dns_subdomain_name, cname_record_value, txt_record_value, time_created, time_updated, freeform_tags, defined_tags
        """

    typealias DkimRow = (String, String, String, String, String, String?, String?, String, Int, Bool, String, String, String, Date, Date,
                         String, String)

    public func createDkim(_ creation: DkimCreation, answering: Answering<(DkimKey, WorkRequest)>) async throws -> RecordedAnswer {
        guard let dkimKeys else { throw PostgresStoreError.noDkimKeyCreator }
        let domain = try await emailDomain(creation.emailDomainId)
        // Generation takes long (RSA) and blocks its thread: on a worker, before the transaction,
        // which only stores the key.
        let made = try await Blocking.run { try dkimKeys.makeDkimKey(creation, domain: domain) }
        return try await self.answering(answering) { connection in
            let key = try await insertDkim(made.key, privateKeyPEM: made.privateKeyPEM, on: connection)
            return (key, try await recordWorkRequest(.created(key), on: connection))
        }
    }

    public func dkim(_ id: OCID) async throws -> DkimKey {
        try await client.withConnection { try await Self.dkimKey(id, on: $0, logger) }
    }

    /// One page of a domain's keys (not found when the domain does not exist), with the id as
    /// tie-breaker so that pages never overlap or skip a row.
    public func dkims(_ query: DkimQuery) async throws -> ListPage<DkimKey> {
        // Whitelisted column and direction only; COLLATE "C" orders text by bytes, as SQLite does.
        let column = switch query.sortBy {
        case .timeCreated: "time_created"
        case .id: "id COLLATE \"C\""
        case .name: "name COLLATE \"C\""
        }
        let direction = query.sortOrder == .ascending ? "ASC" : "DESC"
        return try await client.withConnection { connection in
            _ = try await Self.emailDomain(query.emailDomainId, on: connection, logger)
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.dkimColumns) FROM dkim
                WHERE email_domain_id = \(query.emailDomainId.rawValue)
                AND (\(query.id?.rawValue)::text IS NULL OR id = \(query.id?.rawValue))
                AND (\(query.name)::text IS NULL OR lower(name) = lower(\(query.name)))
                AND (\(query.lifecycleState?.rawValue)::text IS NULL OR lifecycle_state = \(query.lifecycleState?.rawValue))
                ORDER BY \(unescaped: column) \(unescaped: direction), id COLLATE "C" \(unescaped: direction)
                LIMIT \(query.page.limit + 1) OFFSET \(query.page.offset)
                """, logger: logger).collect()
            return ListPage(fetched: try rows.map { try Self.dkimKey(from: $0.decode(DkimRow.self)) }, query.page)
        }
    }

    public func updateDkim(_ id: OCID, description: String?, tags: ResourceTags?) async throws -> (DkimKey, WorkRequest) {
        let description = try description.map { try ControlPlaneRules.description($0) }
        let columns = try tags.map { try ControlPlaneRules.tags($0).columns }
        return try await transaction { connection in
            _ = try await Self.dkimKey(id, on: connection, logger, forUpdate: true)
            if let description {
                try await connection.query("""
                    UPDATE dkim SET description = \(description), time_updated = \(now()) WHERE id = \(id.rawValue)
                    """, logger: logger)
            }
            if let columns {
                try await connection.query("""
                    UPDATE dkim SET freeform_tags = \(columns.freeform), defined_tags = \(columns.defined), time_updated = \(now())
                    WHERE id = \(id.rawValue)
                    """, logger: logger)
            }
            let key = try await Self.dkimKey(id, on: connection, logger)
            return (key, try await recordWorkRequest(.updated(key), on: connection))
        }
    }

    /// Deletes a key; when it was the domain's ACTIVE key the domain has none afterwards.
    public func deleteDkim(_ id: OCID) async throws -> WorkRequest {
        try await transaction { connection in
            let key = try await Self.dkimKey(id, on: connection, logger, forUpdate: true)
            try await connection.query("DELETE FROM dkim WHERE id = \(id.rawValue)", logger: logger)
            try await connection.query("""
                UPDATE email_domain SET active_dkim_id = NULL WHERE id = \(key.emailDomainId.rawValue) AND active_dkim_id = \(id.rawValue)
                """, logger: logger)
            return try await recordWorkRequest(.deleted(key), on: connection)
        }
    }

    /// Package-only: stores `key` through `insertDkim(_:privateKeyPEM:on:)` in a transaction of
    /// its own. How the tests give a domain a signing key in a state of their choosing.
    @discardableResult
    package func insertDkim(_ key: DkimKey, privateKeyPEM: String) async throws -> DkimKey {
        try await transaction { try await insertDkim(key, privateKeyPEM: privateKeyPEM, on: $0) }
    }

    /// Stores a key of its domain (which must exist), in the domain's compartment, its private
    /// key sealed under the master key; the domain's keys are checked first
    /// (`ControlPlaneRules.checkNewDkim`). The key starts CREATING and moves to its own state,
    /// as in SQLite, so that an ACTIVE key replaces the domain's ACTIVE one.
    func insertDkim(_ key: DkimKey, privateKeyPEM: String, on connection: PostgresConnection) async throws -> DkimKey {
        let tags = try ControlPlaneRules.tags(key.tags).columns
        // The domain's row lock makes a concurrent insert for it wait, so that the count and
        // selector checks see every key of the domain.
        let domain = try await Self.emailDomain(key.emailDomainId, on: connection, logger, forUpdate: true)
        let existing = try await Self.dkimKeys(ofDomain: domain.id, on: connection, logger)
        try ControlPlaneRules.checkNewDkim(existing: existing, selector: key.name)
        var key = key
        key.compartmentId = domain.compartmentId
        let sealed = try secrets.seal(Data(privateKeyPEM.utf8), context: SecretBox.dkimPrivateKeyContext(key.id))
        try await connection.query("""
            INSERT INTO dkim (id, email_domain_id, compartment_id, name, lifecycle_state, lifecycle_details, description, algorithm,
                              key_length, is_imported, private_key, dns_subdomain_name, cname_record_value, txt_record_value,
                              time_created, time_updated, freeform_tags, defined_tags)
            VALUES (\(key.id.rawValue), \(key.emailDomainId.rawValue), \(key.compartmentId.rawValue), \(key.name),
                    \(DkimLifecycleState.creating.rawValue), \(key.lifecycleDetails), \(key.description), \(key.algorithm), \(key.keyLength),
                    \(key.isImported), \(ByteBuffer(bytes: sealed)), \(key.dnsSubdomainName), \(key.cnameRecordValue),
                    \(key.txtRecordValue), \(key.timeCreated), \(key.timeUpdated), \(tags.freeform), \(tags.defined))
            """, logger: logger)
        return try await setDkimState(key.id, key.lifecycleState, details: key.lifecycleDetails, at: key.timeUpdated, on: connection)
    }

    /// Moves a key to `state`. Activating a key makes the domain's other ACTIVE key INACTIVE and
    /// points the domain's `activeDkimId` at it (one ACTIVE key per domain).
    func setDkimState(_ id: OCID, _ state: DkimLifecycleState, details: String?, at time: Date,
                      on connection: PostgresConnection) async throws -> DkimKey {
        let key = try await Self.dkimKey(id, on: connection, logger)
        if state == .active {
            let siblings = try await Self.dkimKeys(ofDomain: key.emailDomainId, on: connection, logger)
            for other in ControlPlaneRules.keysToDeactivate(activating: id, existing: siblings) {
                try await connection.query("""
                    UPDATE dkim SET lifecycle_state = \(DkimLifecycleState.inactive.rawValue),
                        lifecycle_details = \(ControlPlaneRules.replacedDkimDetails(by: key.name)), time_updated = \(time)
                    WHERE id = \(other.rawValue)
                    """, logger: logger)
            }
        }
        try await connection.query("""
            UPDATE dkim SET lifecycle_state = \(state.rawValue), lifecycle_details = \(details), time_updated = \(time) WHERE id = \(id.rawValue)
            """, logger: logger)
        try await connection.query("""
            UPDATE email_domain SET active_dkim_id = (
                SELECT id FROM dkim WHERE email_domain_id = \(key.emailDomainId.rawValue) AND lifecycle_state = \(DkimLifecycleState.active.rawValue))
            WHERE id = \(key.emailDomainId.rawValue)
            """, logger: logger)
        return try await Self.dkimKey(id, on: connection, logger)
    }

    /// The key `id` as `connection` sees it, or the not-found error; `forUpdate` locks its row.
    static func dkimKey(_ id: OCID, on connection: PostgresConnection, _ logger: Logger, forUpdate: Bool = false) async throws -> DkimKey {
        let rows = try await connection.query("""
            SELECT \(unescaped: dkimColumns) FROM dkim WHERE id = \(id.rawValue) \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, logger: logger).collect()
        guard let row = rows.first else { throw ControlPlaneError.notFound(.dkim, id.rawValue) }
        return try dkimKey(from: row.decode(DkimRow.self))
    }

    /// Every key of the domain `domain`, oldest first.
    static func dkimKeys(ofDomain domain: OCID, on connection: PostgresConnection, _ logger: Logger) async throws -> [DkimKey] {
        try await connection.query("""
            SELECT \(unescaped: dkimColumns) FROM dkim WHERE email_domain_id = \(domain.rawValue) ORDER BY time_created, id COLLATE "C"
            """, logger: logger).collect().map { try dkimKey(from: $0.decode(DkimRow.self)) }
    }

    static func dkimKey(from row: DkimRow) throws -> DkimKey {
        let (id, domain, compartment, name, state, details, description, algorithm, keyLength, isImported, subdomain, cname, txt,
             created, updated, freeform, defined) = row
        return DkimKey(id: try ocid(id), name: name, emailDomainId: try ocid(domain), compartmentId: try ocid(compartment),
                       lifecycleState: DkimLifecycleState(rawValue: state) ?? .failed, lifecycleDetails: details, description: description,
                       timeCreated: created, timeUpdated: updated, dnsSubdomainName: subdomain, cnameRecordValue: cname, txtRecordValue: txt,
                       isImported: isImported, keyLength: keyLength, algorithm: algorithm, tags: ResourceTags(freeformColumn: freeform, definedColumn: defined))
    }
}
