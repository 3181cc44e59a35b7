/// Defaults shared by the configuration keys and the store that applies them.
public enum ControlPlaneDefaults {
    /// Consecutive soft bounces of one recipient that make a SOFTBOUNCE suppression
    /// (`delivery.soft_bounce_limit`): three, so that one full retry horizon that expires (a
    /// mailbox over quota for three days) is not enough, and a recipient that never takes mail is
    /// dropped after the third message.
    public static let softBounceLimit = 3
}
