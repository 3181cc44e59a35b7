import EnvoiCore
import Foundation
import GRDB

// Row → value mapping for every control-plane table. Enum columns hold the API's spelling; a value
// the code does not know (written by a newer version) reads as the most conservative state.

extension Compartment {
    init(row: Row) {
        self.init(id: OCID(uncheckedRow: row["id"]), compartmentId: (row["compartment_id"] as String?).map(OCID.init(uncheckedRow:)),
                  name: row["name"], description: row["description"],
                  lifecycleState: IdentityLifecycleState(rawValue: row["lifecycle_state"]) ?? .inactive,
                  timeCreated: row["time_created"])
    }
}

extension User {
    init(row: Row) {
        self.init(id: OCID(uncheckedRow: row["id"]), compartmentId: OCID(uncheckedRow: row["compartment_id"]),
                  name: row["name"], description: row["description"],
                  lifecycleState: IdentityLifecycleState(rawValue: row["lifecycle_state"]) ?? .inactive,
                  timeCreated: row["time_created"])
    }
}

extension Group {
    init(row: Row) {
        self.init(id: OCID(uncheckedRow: row["id"]), compartmentId: OCID(uncheckedRow: row["compartment_id"]),
                  name: row["name"], description: row["description"],
                  lifecycleState: IdentityLifecycleState(rawValue: row["lifecycle_state"]) ?? .inactive,
                  timeCreated: row["time_created"])
    }
}

extension Policy {
    init(row: Row) {
        let statementsJSON: String = row["statements"]
        let statements = (try? JSONDecoder().decode([String].self, from: Data(statementsJSON.utf8))) ?? []
        self.init(id: OCID(uncheckedRow: row["id"]), compartmentId: OCID(uncheckedRow: row["compartment_id"]),
                  name: row["name"], description: row["description"], statements: statements,
                  lifecycleState: IdentityLifecycleState(rawValue: row["lifecycle_state"]) ?? .inactive,
                  timeCreated: row["time_created"])
    }
}

extension SmtpCredential {
    init(row: Row) {
        self.init(id: OCID(uncheckedRow: row["id"]), userId: OCID(uncheckedRow: row["user_id"]), username: row["username"],
                  description: row["description"],
                  lifecycleState: CredentialLifecycleState(rawValue: row["lifecycle_state"]) ?? .inactive,
                  timeCreated: row["time_created"], timeExpires: row["time_expires"])
    }
}

extension EmailDomain {
    init(row: Row) {
        self.init(id: OCID(uncheckedRow: row["id"]), name: row["name"], compartmentId: OCID(uncheckedRow: row["compartment_id"]),
                  lifecycleState: EmailDomainLifecycleState(rawValue: row["lifecycle_state"]) ?? .failed,
                  activeDkimId: (row["active_dkim_id"] as String?).map(OCID.init(uncheckedRow:)),
                  isSpf: row["is_spf"],
                  domainVerificationStatus: DomainVerificationStatus(rawValue: row["domain_verification_status"]) ?? .none,
                  description: row["description"], timeCreated: row["time_created"], tags: ResourceTags(row: row),
                  locks: ResourceLock.decoded(row["locks"]))
    }
}

extension DkimKey {
    init(row: Row) {
        self.init(id: OCID(uncheckedRow: row["id"]), name: row["name"], emailDomainId: OCID(uncheckedRow: row["email_domain_id"]),
                  compartmentId: OCID(uncheckedRow: row["compartment_id"]),
                  lifecycleState: DkimLifecycleState(rawValue: row["lifecycle_state"]) ?? .failed,
                  lifecycleDetails: row["lifecycle_details"], description: row["description"],
                  timeCreated: row["time_created"], timeUpdated: row["time_updated"],
                  dnsSubdomainName: row["dns_subdomain_name"], cnameRecordValue: row["cname_record_value"],
                  txtRecordValue: row["txt_record_value"], isImported: row["is_imported"], keyLength: row["key_length"],
                  algorithm: row["algorithm"], tags: ResourceTags(row: row))
    }
}

extension Sender {
    init(row: Row) {
        self.init(id: OCID(uncheckedRow: row["id"]), compartmentId: OCID(uncheckedRow: row["compartment_id"]),
                  emailAddress: row["email_address"],
                  emailDomainId: (row["email_domain_id"] as String?).map(OCID.init(uncheckedRow:)),
                  isSpf: row["is_spf"], lifecycleState: SenderLifecycleState(rawValue: row["lifecycle_state"]) ?? .failed,
                  timeCreated: row["time_created"], tags: ResourceTags(row: row),
                  locks: ResourceLock.decoded(row["locks"]))
    }
}

extension ResourceTags {
    /// The tags of a sender, email domain or DKIM key row (JSON columns, `{}` when none).
    init(row: Row) {
        self.init(columns: row["freeform_tags"], defined: row["defined_tags"])
    }
}

extension Suppression {
    init(row: Row, tenancy: OCID) {
        self.init(id: OCID(uncheckedRow: row["id"]), compartmentId: tenancy, emailAddress: row["email_address"],
                  reason: SuppressionReason(rawValue: row["reason"]) ?? .unknown,
                  timeCreated: row["time_created"], timeLastSuppressed: row["time_last_suppressed"],
                  messageId: row["message_id"], errorDetail: row["error_detail"], errorSource: row["error_source"])
    }
}
