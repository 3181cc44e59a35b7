/// Lifecycle states and enum values, spelled exactly as in the cloud API (spec/OCI-API.md §5).

/// `Sender.lifecycleState`.
public enum SenderLifecycleState: String, Sendable, Codable, CaseIterable {
    case creating = "CREATING", active = "ACTIVE", needsAttention = "NEEDS_ATTENTION"
    case inactive = "INACTIVE", failed = "FAILED", deleting = "DELETING", deleted = "DELETED"
    case updating = "UPDATING"
}

/// `EmailDomain.lifecycleState` (no NEEDS_ATTENTION or INACTIVE for domains).
public enum EmailDomainLifecycleState: String, Sendable, Codable, CaseIterable {
    case active = "ACTIVE", creating = "CREATING", deleting = "DELETING", deleted = "DELETED"
    case failed = "FAILED", updating = "UPDATING"
}

/// `EmailDomain.domainVerificationStatus`.
public enum DomainVerificationStatus: String, Sendable, Codable, CaseIterable {
    case none = "NONE", domainID = "DOMAINID", other = "OTHER"
}

/// `Dkim.lifecycleState`.
public enum DkimLifecycleState: String, Sendable, Codable, CaseIterable {
    case active = "ACTIVE", creating = "CREATING", deleting = "DELETING", deleted = "DELETED"
    case failed = "FAILED", inactive = "INACTIVE", needsAttention = "NEEDS_ATTENTION"
    case updating = "UPDATING"
}

/// `Suppression.reason`.
public enum SuppressionReason: String, Sendable, Codable, CaseIterable {
    case unknown = "UNKNOWN", hardBounce = "HARDBOUNCE", complaint = "COMPLAINT"
    case manual = "MANUAL", softBounce = "SOFTBOUNCE", unsubscribe = "UNSUBSCRIBE"
}

/// `SmtpCredential.lifecycleState` (Identity API).
public enum CredentialLifecycleState: String, Sendable, Codable, CaseIterable {
    case creating = "CREATING", active = "ACTIVE", inactive = "INACTIVE"
    case deleting = "DELETING", deleted = "DELETED"
}

/// Lifecycle of identity resources (compartments, users, groups, policies).
public enum IdentityLifecycleState: String, Sendable, Codable, CaseIterable {
    case creating = "CREATING", active = "ACTIVE", inactive = "INACTIVE"
    case deleting = "DELETING", deleted = "DELETED"
}
