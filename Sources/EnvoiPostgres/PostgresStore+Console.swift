import EnvoiCore
import Foundation
import PostgresNIO

/// What the live console reads on PostgreSQL: the same lists, order, filters and page tokens as
/// the SQLite store's (EnvoiStore `ControlPlaneStore+ConsoleStore`), so that every node's console
/// shows the database all nodes share. Text sorts in byte order (COLLATE "C"), as SQLite's
/// BINARY collation does, whatever the database's locale.
extension PostgresStore: ConsoleStore {
    public func allSenders() async throws -> [SenderOfCompartment] {
        try await client.withConnection { connection in
            let names = Dictionary(try await connection.query("SELECT id, name FROM compartment", logger: logger).collect()
                .map { try $0.decode((String, String).self) }, uniquingKeysWith: { first, _ in first })
            return try await connection.query("""
                SELECT \(unescaped: Self.senderColumns) FROM sender ORDER BY time_created, id COLLATE "C"
                """, logger: logger).collect().map { row in
                let sender = try Self.sender(from: row)
                return SenderOfCompartment(sender: sender, compartmentName: names[sender.compartmentId.rawValue] ?? sender.compartmentId.rawValue)
            }
        }
    }

    public func allEmailDomains() async throws -> [EmailDomain] {
        try await client.query("""
            SELECT \(unescaped: Self.emailDomainColumns) FROM email_domain ORDER BY name COLLATE "C"
            """, logger: logger).collect().map { try Self.emailDomain(from: $0.decode(EmailDomainRow.self)) }
    }

    /// Keyset pages by address: the address range [prefix, prefix + U+10FFFF) is the prefix
    /// filter, and a page continues after the last address of the one before, so a page never
    /// skips or repeats an entry while others are added or removed.
    public func suppressions(prefix: String?, reason: SuppressionReason?, limit: Int, page: String?) async throws -> SuppressionPage {
        try SuppressionPage.checkLimit(limit)
        let after = try page.map(SuppressionPage.address(fromToken:))
        let prefix = prefix?.lowercased() ?? ""
        let end = prefix + "\u{10FFFF}"
        return try await client.withConnection { connection in
            let tenancy = try await Self.tenancy(connection, logger)
            let rows = try await connection.query("""
                SELECT \(unescaped: Self.suppressionColumns) FROM suppression
                WHERE (\(reason?.rawValue)::text IS NULL OR reason = \(reason?.rawValue))
                AND email_address COLLATE "C" >= \(prefix) AND email_address COLLATE "C" < \(end)
                AND (\(after)::text IS NULL OR email_address COLLATE "C" > \(after))
                ORDER BY email_address COLLATE "C" LIMIT \(limit + 1)
                """, logger: logger).collect()
            let items = try rows.prefix(limit).map { try Self.suppression(from: $0.decode(SuppressionRow.self), tenancy: tenancy) }
            let next = rows.count > limit ? items.last.map { SuppressionPage.token(after: $0.emailAddress) } : nil
            return SuppressionPage(items: items, nextPage: next)
        }
    }

    public func events(limit: Int) async throws -> [DeliveryEvent] {
        try DeliveryEvent.checkLimit(limit)
        return try await client.query("""
            SELECT id, time, type, queue_id, message_id, envelope_sender, recipient, status, error_type, dkim_selector, source
            FROM event ORDER BY id DESC LIMIT \(limit)
            """, logger: logger).collect().map { row in
            let (id, time, type, queueID, messageID, sender, recipient, status, errorType, selector, source) = try row.decode(
                (Int64, Date, String, String?, String?, String?, String?, String?, String?, String?, String?).self)
            return DeliveryEvent(id: id, time: time, type: type, queueId: queueID, messageId: messageID, envelopeSender: sender,
                                 recipient: recipient, status: status, errorType: errorType, dkimSelector: selector, source: source)
        }
    }

    public func mailbox(limit: Int) async throws -> [MailboxEntry] {
        try await client.query("""
            SELECT \(unescaped: Self.mailboxColumns) FROM mailbox ORDER BY id DESC LIMIT \(limit)
            """, logger: logger).collect().map { try Self.mailboxEntry(from: $0.decode(MailboxRow.self)) }
    }

    public func mailboxMessage(_ id: Int64) async throws -> (MailboxEntry, [UInt8]) {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.mailboxColumns), body FROM mailbox WHERE id = \(id)
            """, logger: logger).collect()
        guard let row = rows.first else { throw ControlPlaneError(code: .notFound, message: "mailbox message \(id) not found") }
        let (entryID, queueID, messageID, sender, recipients, selector, size, delivered, body) = try row.decode(
            (Int64, String, String?, String, String, String?, Int64, Date, ByteBuffer).self)
        return (Self.mailboxEntry(from: (entryID, queueID, messageID, sender, recipients, selector, size, delivered)),
                Array(buffer: body))
    }

    /// Approves a sender in the tenancy's root compartment (the tenancy's id).
    public func createSenderInRootCompartment(email: String) async throws -> Sender {
        let root = try await client.withConnection { try await Self.tenancy($0, logger) }
        return try await createSender(email: email, compartment: root, tags: .none)
    }

    /// The columns of a kept message but its bytes, in the order `mailboxEntry(from:)` decodes them.
    static let mailboxColumns = "id, queue_id, message_id, envelope_sender, recipients, dkim_selector, size, time_delivered"

    typealias MailboxRow = (Int64, String, String?, String, String, String?, Int64, Date)

    static func mailboxEntry(from row: MailboxRow) -> MailboxEntry {
        let (id, queueID, messageID, sender, recipients, selector, size, delivered) = row
        return MailboxEntry(id: id, queueId: queueID, messageId: messageID, envelopeSender: sender,
                            recipients: recipients.split(separator: ",").map(String.init), dkimSelector: selector, size: Int(size),
                            timeDelivered: delivered)
    }
}
