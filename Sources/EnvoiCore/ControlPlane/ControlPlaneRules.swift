import Foundation

/// The control plane's invariants as pure functions, so that every door (CLI, HTTPS API, console)
/// refuses the same input with the same message. The store calls them inside the transaction that
/// writes, with the rows it read in that transaction.
public enum ControlPlaneRules {
    /// What an approved sender's address is.
    public enum SenderAddress: Sendable, Equatable {
        /// One mailbox.
        case address(EmailAddress)
        /// `@domain`: every address of the domain (only once the domain has an ACTIVE DKIM key).
        case domainWildcard(DomainName)

        /// The text stored and shown: the address with its domain lower-cased, or `@domain`.
        public var text: String {
            switch self {
            case .address(let address): address.description
            case .domainWildcard(let domain): "@" + domain.value
            }
        }

        /// The domain the sender belongs to.
        public var domain: String {
            switch self {
            case .address(let address): address.domain
            case .domainWildcard(let domain): domain.value
            }
        }
    }

    /// Parses an approved sender: an RFC 5321 mailbox or `@domain`.
    public static func senderAddress(_ text: String, field: String = "email") throws(ControlPlaneError) -> SenderAddress {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .missing(field: field) }
        if trimmed.hasPrefix("@") {
            guard let domain = DomainName(String(trimmed.dropFirst())), domain.isFullyQualified else {
                throw .invalid(field: field, "'\(trimmed)' is not a valid '@domain' wildcard")
            }
            return .domainWildcard(domain)
        }
        return .address(try mailbox(trimmed, field: field))
    }

    /// Parses an RFC 5321 mailbox.
    public static func mailbox(_ text: String, field: String = "email") throws(ControlPlaneError) -> EmailAddress {
        guard !text.isEmpty else { throw .missing(field: field) }
        guard let address = EmailAddress(text) else {
            throw .invalid(field: field, "'\(text)' is not a valid email address (RFC 5321 mailbox)")
        }
        return address
    }

    /// A suppressed address: a mailbox, lower-cased (the cloud service lower-cases suppressions).
    public static func suppressionAddress(_ text: String, field: String = "email") throws(ControlPlaneError) -> String {
        // Trimming through Foundation costs more than the rest: skip it when both ends are
        // printable ASCII, which is every address the intake asks about.
        let isPrintable = { (byte: UInt8?) in byte.map { (0x21...0x7E).contains($0) } ?? false }
        let trimmed = isPrintable(text.utf8.first) && isPrintable(text.utf8.last) ? text : text.trimmingCharacters(in: .whitespaces)
        return try mailbox(trimmed, field: field).normalized
    }

    /// An email domain's name: a fully qualified DNS name such as `example.com`.
    public static func emailDomainName(_ text: String, field: String = "name") throws(ControlPlaneError) -> DomainName {
        guard !text.isEmpty else { throw .missing(field: field) }
        guard let name = DomainName(text), name.isFullyQualified else {
            throw .invalid(field: field, "'\(text)' is not a valid domain name (letters, digits and hyphens in dot-separated labels, such as example.com)")
        }
        return name
    }

    /// The name of a compartment, user, group or policy: 1–100 characters of letters, digits,
    /// `.`, `_`, `-` and `@`, as the cloud service's identity names allow.
    public static func resourceName(_ text: String, field: String = "name") throws(ControlPlaneError) -> String {
        guard !text.isEmpty else { throw .missing(field: field) }
        guard text.count <= 100 else { throw .invalid(field: field, "longer than 100 characters") }
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-@".contains($0)) }) else {
            throw .invalid(field: field, "'\(text)' may hold only letters, digits, '.', '_', '-' and '@'")
        }
        return text
    }

    /// A free-text description: at most 400 characters, no control characters.
    public static func description(_ text: String, field: String = "description") throws(ControlPlaneError) -> String {
        guard text.count <= 400 else { throw .invalid(field: field, "longer than 400 characters") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid(field: field, "contains control characters")
        }
        return text
    }

    /// An id of the given type.
    public static func id(_ text: String, _ type: ResourceType, field: String) throws(ControlPlaneError) -> OCID {
        guard !text.isEmpty else { throw .missing(field: field) }
        guard let id = OCID(text, type: type) else {
            throw .invalid(field: field, "'\(text)' is not a \(type.displayName) OCID (ocid1.\(type.rawValue).\(OCID.realm)..<unique>)")
        }
        return id
    }

    /// A compartment id: the tenancy (root compartment) or a compartment.
    public static func compartmentID(_ text: String, field: String = "compartment-id") throws(ControlPlaneError) -> OCID {
        guard let id = OCID(text), let kind = id.type, kind == .compartment || kind == .tenancy else {
            throw .invalid(field: field, "'\(text)' is not a compartment OCID")
        }
        return id
    }

    /// An `@domain` wildcard needs an ACTIVE DKIM key on its domain (BEHAVIOUR.md §3): otherwise
    /// mail from any address of the domain would go out unsigned.
    public static func checkWildcard(_ sender: SenderAddress, domainHasActiveDkim: Bool) throws(ControlPlaneError) {
        if case .domainWildcard(let domain) = sender, !domainHasActiveDkim {
            throw ControlPlaneError(code: .invalidParameter,
                                    message: "email: the wildcard @\(domain) needs an email domain \(domain) with an ACTIVE DKIM key")
        }
    }

    /// At most `SmtpCredential.maximumPerUser` credentials per user.
    public static func checkNewCredential(existingCount: Int) throws(ControlPlaneError) {
        guard existingCount < SmtpCredential.maximumPerUser else {
            throw .limit("user already has \(SmtpCredential.maximumPerUser) SMTP credentials (the maximum); delete one first")
        }
    }

    /// At most `ApiKey.maximumPerUser` API signing keys per user.
    public static func checkNewApiKey(existingCount: Int) throws(ControlPlaneError) {
        guard existingCount < ApiKey.maximumPerUser else {
            throw .limit("user already has \(ApiKey.maximumPerUser) API keys (the maximum); delete one first")
        }
    }

    /// At most `DkimKey.maximumPerDomain` keys per domain.
    public static func checkNewDkim(existing: [DkimKey], selector: String) throws(ControlPlaneError) {
        let live = existing.filter { $0.lifecycleState != .deleted }
        guard live.count < DkimKey.maximumPerDomain else {
            throw .limit("the email domain already has \(DkimKey.maximumPerDomain) DKIM keys (the maximum); delete one first")
        }
        if live.contains(where: { $0.name.lowercased() == selector.lowercased() }) {
            throw .conflict("the email domain already has a DKIM key with selector \(selector)")
        }
    }

    /// Activating a key makes any other ACTIVE key of the domain INACTIVE: one ACTIVE key per domain.
    /// Returns the ids that must become INACTIVE.
    public static func keysToDeactivate(activating key: OCID, existing: [DkimKey]) -> [OCID] {
        existing.filter { $0.id != key && $0.lifecycleState == .active }.map(\.id)
    }

    /// The `lifecycleDetails` of a key made INACTIVE because the key `selector` became ACTIVE.
    public static func replacedDkimDetails(by selector: String) -> String {
        "Replaced by DKIM key \(selector)"
    }
}
