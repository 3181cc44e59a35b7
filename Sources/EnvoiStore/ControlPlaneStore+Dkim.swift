import EnvoiCore
import Foundation
import GRDB

/// DKIM keys beyond creation and state changes: look-ups for the CLI, the zone writer and the
/// DNS checker, and deletion.
extension ControlPlaneStore {
    /// One DKIM key.
    public func dkimKey(_ id: OCID) throws -> DkimKey {
        try read { db in DkimKey(row: try Self.fetch(db, "dkim", .dkim, id)) }
    }

    /// The key and its domain's name, read in one snapshot.
    public func dkimKeyOfDomain(_ id: OCID) throws -> DkimKeyOfDomain {
        try read { db in
            let key = DkimKey(row: try Self.fetch(db, "dkim", .dkim, id))
            let domain = EmailDomain(row: try Self.fetch(db, "email_domain", .emailDomain, key.emailDomainId))
            return DkimKeyOfDomain(key: key, domainName: domain.name)
        }
    }

    /// Every DKIM key of every domain with its domain's name, ordered by domain then creation:
    /// what the periodic checker and `envoi dkim zone` walk.
    public func allDkimKeys() throws -> [DkimKeyOfDomain] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT dkim.*, email_domain.name AS domain_name FROM dkim
                JOIN email_domain ON email_domain.id = dkim.email_domain_id
                ORDER BY email_domain.name, dkim.time_created, dkim.id
                """)
            return rows.map { DkimKeyOfDomain(key: DkimKey(row: $0), domainName: $0["domain_name"]) }
        }
    }

    /// The email domain called `name` (lower-cased before the look-up).
    public func emailDomain(named name: String) throws -> EmailDomain {
        let domain = try ControlPlaneRules.emailDomainName(name, field: "domain")
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM email_domain WHERE name = ?", arguments: [domain.value]) else {
                throw ControlPlaneError(code: .notFound, message: "email domain \(domain) not found")
            }
            return EmailDomain(row: row)
        }
    }

    /// The ACTIVE key of a domain and its private key PEM, for signing; refused when the
    /// domain has none (BEHAVIOUR §4: mail is not sent unsigned).
    public func activeDkimSigningKey(domain: EmailDomain) throws -> (key: DkimKey, privateKeyPEM: String) {
        let key: DkimKey = try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM dkim WHERE email_domain_id = ? AND lifecycle_state = 'ACTIVE'",
                                             arguments: [domain.id.rawValue]) else {
                throw ControlPlaneError(code: .incorrectState,
                                        message: "domain: \(domain.name) has no ACTIVE DKIM key (create one and publish its DNS record, then `envoi dkim check`)")
            }
            return DkimKey(row: row)
        }
        return (key, try dkimPrivateKey(key.id))
    }

    /// Deletes a DKIM key; when it was the domain's ACTIVE key the domain has none afterwards.
    public func deleteDkim(_ id: OCID) throws {
        try write { db in
            let key = DkimKey(row: try Self.fetch(db, "dkim", .dkim, id))
            try Self.delete(db, "dkim", .dkim, id)
            try db.execute(sql: "UPDATE email_domain SET active_dkim_id = NULL WHERE id = ? AND active_dkim_id = ?",
                           arguments: [key.emailDomainId.rawValue, id.rawValue])
        }
    }

    /// Records a check whose DNS look-up failed: the state stays as it was (no flapping on a
    /// DNS outage), only `lifecycleDetails` and `timeUpdated` change. Returns the key.
    public func setDkimDetails(_ id: OCID, details: String) throws -> DkimKey {
        try write { db in
            try db.execute(sql: "UPDATE dkim SET lifecycle_details = ?, time_updated = ? WHERE id = ?",
                           arguments: [details, now(), id.rawValue])
            guard db.changesCount == 1 else { throw ControlPlaneError.notFound(.dkim, id.rawValue) }
            return DkimKey(row: try Self.fetch(db, "dkim", .dkim, id))
        }
    }

    /// Records whether a domain's SPF record includes Envoi (`isSpf`), on the domain and on
    /// its approved senders, which show the same flag. Returns the domain.
    public func setEmailDomainSpf(_ id: OCID, isSpf: Bool) throws -> EmailDomain {
        try write { db in
            _ = try Self.fetch(db, "email_domain", .emailDomain, id)
            try db.execute(sql: "UPDATE email_domain SET is_spf = ? WHERE id = ?", arguments: [isSpf, id.rawValue])
            try db.execute(sql: "UPDATE sender SET is_spf = ? WHERE email_domain_id = ?", arguments: [isSpf, id.rawValue])
            return EmailDomain(row: try Self.fetch(db, "email_domain", .emailDomain, id))
        }
    }
}

/// `DkimCheckStore` on SQLite: overloads by `async` alone, each running the synchronous
/// operation of the same name on a worker thread (as `ControlPlaneStore+DeliveryQueueStore`).
extension ControlPlaneStore: DkimCheckStore {
    public func dkimKeyOfDomain(_ id: OCID) async throws -> DkimKeyOfDomain {
        try await Blocking.run { [self] in try dkimKeyOfDomain(id) }
    }

    public func allDkimKeys() async throws -> [DkimKeyOfDomain] {
        try await Blocking.run { [self] in try allDkimKeys() }
    }

    public func setDkimState(_ id: OCID, _ state: DkimLifecycleState, details: String?) async throws -> DkimKey {
        try await Blocking.run { [self] in try setDkimState(id, state, details: details) }
    }

    public func setDkimDetails(_ id: OCID, details: String) async throws -> DkimKey {
        try await Blocking.run { [self] in try setDkimDetails(id, details: details) }
    }
}
