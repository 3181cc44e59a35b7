import EnvoiCore
import Foundation
import GRDB

/// `ConsoleStore` on SQLite: each requirement runs the synchronous operation of the same name
/// (the ones `envoi sender list`, `suppression list`, `events` and `mail` call) on a worker
/// thread, because a GRDB call blocks its thread. Overloads by `async` alone, as in
/// `ControlPlaneStore+DeliveryQueueStore`: one body each.
extension ControlPlaneStore: ConsoleStore {
    /// Every approved sender with its compartment's name, oldest first, read in one snapshot.
    public func allSenders() throws -> [SenderOfCompartment] {
        try read { db in
            let names = Dictionary(try Row.fetchAll(db, sql: "SELECT id, name FROM compartment").map { ($0["id"] as String, $0["name"] as String) },
                                   uniquingKeysWith: { first, _ in first })
            return try Row.fetchAll(db, sql: "SELECT * FROM sender ORDER BY time_created, id").map { row in
                let sender = Sender(row: row)
                return SenderOfCompartment(sender: sender, compartmentName: names[sender.compartmentId.rawValue] ?? sender.compartmentId.rawValue)
            }
        }
    }

    public func allSenders() async throws -> [SenderOfCompartment] {
        try await Blocking.run { [self] in try allSenders() }
    }

    public func allEmailDomains() async throws -> [EmailDomain] {
        try await Blocking.run { [self] in try emailDomains() }
    }

    public func suppressions(prefix: String?, reason: SuppressionReason?, limit: Int, page: String?) async throws -> SuppressionPage {
        try await Blocking.run { [self] in try suppressions(prefix: prefix, reason: reason, limit: limit, page: page) }
    }

    public func events(limit: Int) async throws -> [DeliveryEvent] {
        try await Blocking.run { [self] in try events(messageId: nil, limit: limit) }
    }

    public func mailbox(limit: Int) async throws -> [MailboxEntry] {
        try await Blocking.run { [self] in try mailbox(limit: limit) }
    }

    public func mailboxMessage(_ id: Int64) async throws -> (MailboxEntry, [UInt8]) {
        try await Blocking.run { [self] in try mailboxMessage(id) }
    }

    public func createSenderInRootCompartment(email: String) async throws -> Sender {
        try await Blocking.run { [self] in try createSender(email: email, compartment: nil) }
    }
}
