/// Defaults shared by the configuration keys and the store that applies them.
public enum ControlPlaneDefaults {
    /// Consecutive soft bounces of one recipient that make a SOFTBOUNCE suppression
    /// (`delivery.soft_bounce_limit`): three, so that one full retry horizon that expires (a
    /// mailbox over quota for three days) is not enough, and a recipient that never takes mail is
    /// dropped after the third message.
    public static let softBounceLimit = 3

    // What `envoi init` makes, in one place so that the SQLite and PostgreSQL stores make the
    // same tenancy: an operator (and the cloud CLI) finds the same names on either backend.

    /// The tenancy's name, also its root compartment's.
    public static let tenancyName = "envoi"
    /// The root compartment's description (its id is the tenancy's).
    public static let rootCompartmentDescription = "The root compartment (the tenancy)"
    /// The user `init` makes, member of the administrators' group.
    public static let adminUserName = "admin"
    /// The admin user's description.
    public static let adminUserDescription = "Administrator created by envoi init"
    /// The administrators' group `init` makes.
    public static let adminGroupName = "Administrators"
    /// The administrators' group's description.
    public static let adminGroupDescription = "May use email in the whole tenancy"
    /// The policy that lets the administrators' group use email in the whole tenancy.
    public static let adminPolicyName = "email-administrators"
    /// The policy's description.
    public static let adminPolicyDescription = "Created by envoi init"
    /// The policy's one statement.
    public static let adminPolicyStatement = "Allow group Administrators to manage email-family in tenancy"
}
