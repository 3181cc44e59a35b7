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

    /// Package-only: records a new email domain `name` with the defaults of a created one (no
    /// DKIM key, tags or locks), checking none of `ControlPlaneRules` and no compartment. How the
    /// tests give a signing key a domain in a database without an identity.
    package func insertEmailDomain(id: OCID, name: String, compartmentId: OCID) async throws {
        let domain = EmailDomain(id: id, name: name.lowercased(), compartmentId: compartmentId, timeCreated: now())
        try await client.query("""
            INSERT INTO email_domain (id, compartment_id, name, lifecycle_state, is_spf, domain_verification_status, description,
                                      time_created)
            VALUES (\(domain.id.rawValue), \(domain.compartmentId.rawValue), \(domain.name), \(domain.lifecycleState.rawValue),
                    \(domain.isSpf), \(domain.domainVerificationStatus.rawValue), \(domain.description), \(domain.timeCreated))
            """, logger: logger)
    }
}
