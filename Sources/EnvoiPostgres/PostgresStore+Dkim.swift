import EnvoiCore
import EnvoiSecrets
import Foundation
import PostgresNIO

/// DKIM keys on PostgreSQL: the signing key the delivery pipeline asks for. Private keys are
/// sealed under the master key exactly as the SQLite store seals them (`SecretBox`, bound to the
/// key's id), so a key moved between the two backends opens under the same master key.
extension PostgresStore {
    /// The selector and PEM private key of the ACTIVE key of `domain` (any case), if it has one.
    public func activeSigningKey(domain: String) async throws -> (selector: String, privateKeyPEM: String)? {
        let rows = try await client.query("""
            SELECT dkim.id, dkim.name, dkim.private_key FROM dkim JOIN email_domain ON email_domain.active_dkim_id = dkim.id
            WHERE lower(email_domain.name) = \(domain.lowercased()) AND dkim.lifecycle_state = 'ACTIVE'
            """, logger: logger).collect()
        guard let row = rows.first else { return nil }
        let (id, selector, sealed) = try row.decode((String, String, ByteBuffer).self)
        let pem = try secrets.open(Data(sealed.readableBytesView), context: SecretBox.dkimPrivateKeyContext(try Self.ocid(id)))
        return (selector, String(decoding: pem, as: UTF8.self))
    }

    /// Package-only, until the control plane's domain operations move to PostgreSQL: records a
    /// new email domain `name` with the defaults of a created one (no DKIM key, tags or locks).
    /// How the tests give a signing key a domain; it checks none of `ControlPlaneRules`.
    package func insertEmailDomain(id: OCID, name: String, compartmentId: OCID) async throws {
        let domain = EmailDomain(id: id, name: name.lowercased(), compartmentId: compartmentId, timeCreated: now())
        try await client.query("""
            INSERT INTO email_domain (id, compartment_id, name, lifecycle_state, is_spf, domain_verification_status, description,
                                      time_created)
            VALUES (\(domain.id.rawValue), \(domain.compartmentId.rawValue), \(domain.name), \(domain.lifecycleState.rawValue),
                    \(domain.isSpf), \(domain.domainVerificationStatus.rawValue), \(domain.description), \(domain.timeCreated))
            """, logger: logger)
    }

    /// Package-only, until the control plane's DKIM operations move to PostgreSQL: stores `key`
    /// as it is, its private key sealed, and makes it its domain's active key when it is ACTIVE.
    /// How the tests give a domain a signing key; it checks none of `ControlPlaneRules` (the
    /// database still refuses a second ACTIVE key or a duplicate selector).
    package func insertDkim(_ key: DkimKey, privateKeyPEM: String) async throws {
        let sealed = try secrets.seal(Data(privateKeyPEM.utf8), context: SecretBox.dkimPrivateKeyContext(key.id))
        let tags = key.tags.columns
        try await transaction { connection in
            try await connection.query("""
                INSERT INTO dkim (id, email_domain_id, compartment_id, name, lifecycle_state, lifecycle_details, description, algorithm,
                                  key_length, is_imported, private_key, dns_subdomain_name, cname_record_value, txt_record_value,
                                  time_created, time_updated, freeform_tags, defined_tags)
                VALUES (\(key.id.rawValue), \(key.emailDomainId.rawValue), \(key.compartmentId.rawValue), \(key.name),
                        \(key.lifecycleState.rawValue), \(key.lifecycleDetails), \(key.description), \(key.algorithm), \(key.keyLength),
                        \(key.isImported), \(ByteBuffer(bytes: sealed)), \(key.dnsSubdomainName), \(key.cnameRecordValue),
                        \(key.txtRecordValue), \(key.timeCreated), \(key.timeUpdated), \(tags.freeform), \(tags.defined))
                """, logger: logger)
            if key.lifecycleState == .active {
                try await connection.query("UPDATE email_domain SET active_dkim_id = \(key.id.rawValue) WHERE id = \(key.emailDomainId.rawValue)",
                                           logger: logger)
            }
        }
    }
}
