import EnvoiCore
import EnvoiSecrets
import Foundation
import GRDB

/// Email domains, DKIM keys and approved senders.
extension ControlPlaneStore {
    // MARK: Email domains

    public func createEmailDomain(name: String, compartment: OCID? = nil, description: String? = nil,
                                  tags: ResourceTags = .none) throws -> EmailDomain {
        let domain = try ControlPlaneRules.emailDomainName(name)
        let description = try description.map { try ControlPlaneRules.description($0) }
        let columns = try ControlPlaneRules.tags(tags).columns
        return try write { db in
            let compartmentID = try compartment ?? Self.tenancy(db).id
            _ = try Self.compartment(db, compartmentID)
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM email_domain WHERE name = ?", arguments: [domain.value]) == nil else {
                throw ControlPlaneError.conflict("email domain \(domain) already exists")
            }
            let emailDomain = EmailDomain(id: .generate(.emailDomain), name: domain.value, compartmentId: compartmentID,
                                          description: description, timeCreated: now())
            try db.execute(sql: """
                INSERT INTO email_domain (id, compartment_id, name, lifecycle_state, active_dkim_id, is_spf, domain_verification_status, description,
                                          time_created, freeform_tags, defined_tags)
                VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)
                """, arguments: [emailDomain.id.rawValue, compartmentID.rawValue, emailDomain.name, emailDomain.lifecycleState.rawValue,
                                 emailDomain.isSpf, emailDomain.domainVerificationStatus.rawValue, description, emailDomain.timeCreated,
                                 columns.freeform, columns.defined])
            // Senders of this domain created before it now belong to it.
            try db.execute(sql: "UPDATE sender SET email_domain_id = ? WHERE lower(substr(email_address, instr(email_address, '@') + 1)) = ?",
                           arguments: [emailDomain.id.rawValue, domain.value])
            return EmailDomain(row: try Self.fetch(db, "email_domain", .emailDomain, emailDomain.id))
        }
    }

    public func emailDomains(compartment: OCID? = nil) throws -> [EmailDomain] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM email_domain WHERE ?1 IS NULL OR compartment_id = ?1 ORDER BY name",
                             arguments: [compartment?.rawValue]).map(EmailDomain.init(row:))
        }
    }

    public func emailDomain(_ id: OCID) throws -> EmailDomain {
        try read { db in EmailDomain(row: try Self.fetch(db, "email_domain", .emailDomain, id)) }
    }

    /// Deletes a domain and its DKIM keys; its senders stay approved but no longer belong to it.
    public func deleteEmailDomain(_ id: OCID) throws {
        try write { db in try Self.delete(db, "email_domain", .emailDomain, id) }
    }

    // MARK: DKIM keys

    /// Stores a DKIM key for a domain; `privateKeyPEM` is sealed under the master key.
    /// The key starts in `state` (the DKIM checker moves it to ACTIVE or NEEDS_ATTENTION).
    public func insertDkim(_ key: DkimKey, privateKeyPEM: String) throws -> DkimKey {
        let tags = try ControlPlaneRules.tags(key.tags).columns
        return try write { db in
            let domain = EmailDomain(row: try Self.fetch(db, "email_domain", .emailDomain, key.emailDomainId))
            let existing = try Row.fetchAll(db, sql: "SELECT * FROM dkim WHERE email_domain_id = ?", arguments: [domain.id.rawValue]).map(DkimKey.init(row:))
            try ControlPlaneRules.checkNewDkim(existing: existing, selector: key.name)
            var key = key
            key.compartmentId = domain.compartmentId
            let sealed = try secrets.seal(Data(privateKeyPEM.utf8), context: SecretBox.dkimPrivateKeyContext(key.id))
            try db.execute(sql: """
                INSERT INTO dkim (id, email_domain_id, compartment_id, name, lifecycle_state, lifecycle_details, description, algorithm,
                                  key_length, is_imported, private_key, dns_subdomain_name, cname_record_value, txt_record_value, time_created, time_updated,
                                  freeform_tags, defined_tags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key.id.rawValue, key.emailDomainId.rawValue, key.compartmentId.rawValue, key.name, DkimLifecycleState.creating.rawValue,
                                 key.lifecycleDetails, key.description, key.algorithm, key.keyLength, key.isImported, sealed,
                                 key.dnsSubdomainName, key.cnameRecordValue, key.txtRecordValue, key.timeCreated, key.timeUpdated,
                                 tags.freeform, tags.defined])
            return try Self.setDkimState(db, key.id, key.lifecycleState, details: key.lifecycleDetails, at: key.timeUpdated)
        }
    }

    /// Moves a key to `state`. Activating a key makes the domain's other ACTIVE key INACTIVE and
    /// points the domain's `activeDkimId` at it (one ACTIVE key per domain).
    public func setDkimState(_ id: OCID, _ state: DkimLifecycleState, details: String? = nil) throws -> DkimKey {
        try write { db in try Self.setDkimState(db, id, state, details: details, at: now()) }
    }

    static func setDkimState(_ db: Database, _ id: OCID, _ state: DkimLifecycleState, details: String?, at time: Date) throws -> DkimKey {
        let key = DkimKey(row: try fetch(db, "dkim", .dkim, id))
        if state == .active {
            let siblings = try Row.fetchAll(db, sql: "SELECT * FROM dkim WHERE email_domain_id = ?", arguments: [key.emailDomainId.rawValue]).map(DkimKey.init(row:))
            for other in ControlPlaneRules.keysToDeactivate(activating: id, existing: siblings) {
                try db.execute(sql: "UPDATE dkim SET lifecycle_state = 'INACTIVE', lifecycle_details = ?, time_updated = ? WHERE id = ?",
                               arguments: [ControlPlaneRules.replacedDkimDetails(by: key.name), time, other.rawValue])
            }
        }
        try db.execute(sql: "UPDATE dkim SET lifecycle_state = ?, lifecycle_details = ?, time_updated = ? WHERE id = ?",
                       arguments: [state.rawValue, details, time, id.rawValue])
        let activeID = try String.fetchOne(db, sql: "SELECT id FROM dkim WHERE email_domain_id = ? AND lifecycle_state = 'ACTIVE'",
                                           arguments: [key.emailDomainId.rawValue])
        try db.execute(sql: "UPDATE email_domain SET active_dkim_id = ? WHERE id = ?", arguments: [activeID, key.emailDomainId.rawValue])
        return DkimKey(row: try fetch(db, "dkim", .dkim, id))
    }

    public func dkimKeys(domain: OCID) throws -> [DkimKey] {
        try read { db in
            _ = try Self.fetch(db, "email_domain", .emailDomain, domain)
            return try Row.fetchAll(db, sql: "SELECT * FROM dkim WHERE email_domain_id = ? ORDER BY time_created", arguments: [domain.rawValue]).map(DkimKey.init(row:))
        }
    }

    /// The PEM private key of a DKIM key, for the signer only.
    public func dkimPrivateKey(_ id: OCID) throws -> String {
        let sealed: Data = try read { db in try Self.fetch(db, "dkim", .dkim, id)["private_key"] }
        return String(decoding: try secrets.open(sealed, context: SecretBox.dkimPrivateKeyContext(id)), as: UTF8.self)
    }

    // MARK: Approved senders

    /// Approves a sender address (or `@domain` wildcard, once that domain has an ACTIVE DKIM key)
    /// in a compartment; an address is unique in the tenancy.
    public func createSender(email: String, compartment: OCID? = nil, tags: ResourceTags = .none) throws -> Sender {
        let address = try ControlPlaneRules.senderAddress(email)
        let columns = try ControlPlaneRules.tags(tags).columns
        return try write { db in
            let compartmentID = try compartment ?? Self.tenancy(db).id
            _ = try Self.compartment(db, compartmentID)
            let domainRow = try Row.fetchOne(db, sql: "SELECT * FROM email_domain WHERE name = ?", arguments: [address.domain])
            let domain = domainRow.map(EmailDomain.init(row:))
            try ControlPlaneRules.checkWildcard(address, domainHasActiveDkim: domain?.activeDkimId != nil)
            if let existing = try Row.fetchOne(db, sql: "SELECT * FROM sender WHERE lower(email_address) = lower(?)", arguments: [address.text]) {
                throw ControlPlaneError.conflict("\(existing["email_address"] as String) is already an approved sender (\(existing["id"] as String))")
            }
            let sender = Sender(id: .generate(.sender), compartmentId: compartmentID, emailAddress: address.text,
                                emailDomainId: domain?.id, isSpf: domain?.isSpf ?? false, timeCreated: now())
            try db.execute(sql: """
                INSERT INTO sender (id, compartment_id, email_address, email_domain_id, is_spf, lifecycle_state, time_created, freeform_tags, defined_tags)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [sender.id.rawValue, compartmentID.rawValue, sender.emailAddress, sender.emailDomainId?.rawValue, sender.isSpf,
                                 sender.lifecycleState.rawValue, sender.timeCreated, columns.freeform, columns.defined])
            return Sender(row: try Self.fetch(db, "sender", .sender, sender.id))
        }
    }

    public func senders(compartment: OCID? = nil) throws -> [Sender] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sender WHERE ?1 IS NULL OR compartment_id = ?1 ORDER BY time_created, id",
                             arguments: [compartment?.rawValue]).map(Sender.init(row:))
        }
    }

    public func sender(_ id: OCID) throws -> Sender {
        try read { db in Sender(row: try Self.fetch(db, "sender", .sender, id)) }
    }

    /// Replaces an approved sender's tags (the only thing about a sender that changes in place).
    public func updateSender(_ id: OCID, tags: ResourceTags) throws -> Sender {
        let columns = try ControlPlaneRules.tags(tags).columns
        return try write { db in
            _ = try Self.fetch(db, "sender", .sender, id)
            try db.execute(sql: "UPDATE sender SET freeform_tags = ?, defined_tags = ? WHERE id = ?",
                           arguments: [columns.freeform, columns.defined, id.rawValue])
            return Sender(row: try Self.fetch(db, "sender", .sender, id))
        }
    }

    /// Moves an approved sender to another compartment: from then on the policies of that
    /// compartment (and its ancestors) decide who may send as it.
    public func moveSender(_ id: OCID, to compartment: OCID) throws -> Sender {
        try write { db in
            _ = try Self.fetch(db, "sender", .sender, id)
            _ = try Self.compartment(db, compartment)
            try db.execute(sql: "UPDATE sender SET compartment_id = ? WHERE id = ?", arguments: [compartment.rawValue, id.rawValue])
            return Sender(row: try Self.fetch(db, "sender", .sender, id))
        }
    }

    /// Moves an email domain to another compartment; its DKIM keys, which live in the domain's
    /// compartment, move with it.
    public func moveEmailDomain(_ id: OCID, to compartment: OCID) throws -> EmailDomain {
        try write { db in
            _ = try Self.fetch(db, "email_domain", .emailDomain, id)
            _ = try Self.compartment(db, compartment)
            try db.execute(sql: "UPDATE email_domain SET compartment_id = ? WHERE id = ?", arguments: [compartment.rawValue, id.rawValue])
            try db.execute(sql: "UPDATE dkim SET compartment_id = ? WHERE email_domain_id = ?", arguments: [compartment.rawValue, id.rawValue])
            return EmailDomain(row: try Self.fetch(db, "email_domain", .emailDomain, id))
        }
    }

    public func deleteSender(_ id: OCID) throws {
        try write { db in try Self.delete(db, "sender", .sender, id) }
    }

    // MARK: Authorisation

    /// Everything `SendAuthorization` needs, read in one snapshot, and the groups of `user`.
    public func sendAuthorization(for user: OCID) throws -> (SendAuthorization, groups: [Group]) {
        try read { db in
            let senders = try Row.fetchAll(db, sql: "SELECT * FROM sender").map(Sender.init(row:))
            let activeDomains = try String.fetchAll(db, sql: "SELECT name FROM email_domain WHERE active_dkim_id IS NOT NULL")
            let compartments = try Row.fetchAll(db, sql: "SELECT * FROM compartment").map(Compartment.init(row:))
            let policies = try Row.fetchAll(db, sql: "SELECT * FROM policy").map(Policy.init(row:))
            let evaluator = PolicyEvaluator(compartments: compartments, policies: policies)
            let authorization = SendAuthorization(senders: senders, activeDkimDomains: Set(activeDomains), policies: evaluator)
            return (authorization, try Self.groups(db, ofUser: user))
        }
    }
}
