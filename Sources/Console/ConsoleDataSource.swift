import EnvoiCore

/// What the console reads and changes, as the executable wires it to the store: every call is
/// made off the terminal thread, and blocking ones run off the cooperative pool too.
public protocol ConsoleDataSource: Sendable {
    func senders() async throws -> [SenderRow]
    func domains() async throws -> [DomainRow]
    func dkimKeys() async throws -> [DkimKeyRow]
    func suppressions(_ request: SuppressionRequest, limit: Int) async throws -> SuppressionPageResult
    func activity(limit: Int) async throws -> [ActivityEvent]
    func mail(limit: Int) async throws -> [MailItem]
    func mailMessage(_ id: Int64) async throws -> MailMessageText

    /// Approves a sender; returns its address as stored.
    func addSender(_ address: String) async throws -> String
    func deleteSender(_ id: OCID) async throws
    /// Suppresses an address (reason MANUAL); returns it as stored.
    func addSuppression(_ address: String) async throws -> String
    func removeSuppression(_ id: OCID) async throws
    /// Creates a DKIM key for a domain; returns its selector.
    func createDkimKey(domain: OCID) async throws -> String
    /// Checks a key's DNS record now; returns the key's new state and diagnosis.
    func recheckDkim(_ id: OCID) async throws -> String
    /// The reply an SMTP client got for a refusal reason (`limit_per_minute` → `455 4.7.0 …`).
    func reply(forRefusal reason: String) -> String
}
