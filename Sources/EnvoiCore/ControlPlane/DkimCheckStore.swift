import Foundation

/// A DKIM key together with the name of its email domain (the signing domain, `d=`).
public struct DkimKeyOfDomain: Sendable, Equatable {
    public let key: DkimKey
    public let domainName: String

    public init(key: DkimKey, domainName: String) {
        self.key = key
        self.domainName = domainName
    }
}

/// What the DKIM DNS checker (DkimService `DkimChecker`) reads and writes, on either store: the
/// keys with their domains, and the outcome of a check. On a shared PostgreSQL database the
/// periodic check runs on one node at a time (`PostgresStore.runExclusively`).
public protocol DkimCheckStore: Sendable {
    /// The key and its domain's name, read in one snapshot.
    func dkimKeyOfDomain(_ id: OCID) async throws -> DkimKeyOfDomain

    /// Every DKIM key of every domain with its domain's name, ordered by domain, then creation.
    func allDkimKeys() async throws -> [DkimKeyOfDomain]

    /// Moves a key to `state` with `details`. Activating a key makes the domain's other ACTIVE
    /// key INACTIVE and makes it the domain's active key (one ACTIVE key per domain).
    func setDkimState(_ id: OCID, _ state: DkimLifecycleState, details: String?) async throws -> DkimKey

    /// Records a check whose DNS look-up failed: the state stays, only `lifecycleDetails` and
    /// `timeUpdated` change.
    func setDkimDetails(_ id: OCID, details: String) async throws -> DkimKey
}
