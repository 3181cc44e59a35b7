/// What one authenticated API caller may do, decided by the same policies as SMTP sending
/// (BEHAVIOUR.md §3): a value read in one store snapshot, then asked once per check.
///
/// The verbs follow the cloud service's ladder: `inspect` lists, `read` gets, `use` sends and
/// `manage` creates, updates and deletes; each verb includes the weaker ones.
public struct CallerAccess: Sendable {
    /// The user the request signature belongs to.
    public let user: OCID
    /// The caller's tenancy (also its root compartment).
    public let tenancy: OCID
    /// The user's groups.
    public let groups: [Group]
    private let policies: PolicyEvaluator

    public init(user: OCID, tenancy: OCID, groups: [Group], policies: PolicyEvaluator) {
        self.user = user
        self.tenancy = tenancy
        self.groups = groups
        self.policies = policies
    }

    /// True when a policy grants the caller `verb` on email in `compartment` (or an ancestor).
    public func permits(_ verb: PolicyStatement.Verb, in compartment: OCID) -> Bool {
        policies.permits(groups: groups, verb, in: compartment)
    }

    /// True when the caller may manage the SMTP credentials of `user`: their own, or anyone's
    /// with `manage` in the whole tenancy (an administrator).
    public func mayManageCredentials(of user: OCID) -> Bool {
        user == self.user || permits(.manage, in: tenancy)
    }
}
