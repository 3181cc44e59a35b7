import EnvoiCore
import Foundation
import GRDB

/// Reading the capture mailbox and the event log.
extension ControlPlaneStore {
    /// A message kept by the capture transport (EnvoiCore's, which every backend returns).
    public typealias MailboxEntry = EnvoiCore.MailboxEntry

    /// One event of the delivery event log (EnvoiCore's, which every backend returns).
    public typealias Event = DeliveryEvent

    /// The newest kept messages first.
    public func mailbox(limit: Int = 100) throws -> [MailboxEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM mailbox ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.mailboxEntry)
        }
    }

    /// One kept message and its bytes.
    public func mailboxMessage(_ id: Int64) throws -> (MailboxEntry, [UInt8]) {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM mailbox WHERE id = ?", arguments: [id]) else {
                throw ControlPlaneError(code: .notFound, message: "mailbox message \(id) not found")
            }
            return (Self.mailboxEntry(row), Array(row["body"] as Data))
        }
    }

    private static func mailboxEntry(_ row: Row) -> MailboxEntry {
        MailboxEntry(id: row["id"], queueId: row["queue_id"], messageId: row["message_id"], envelopeSender: row["envelope_sender"],
                     recipients: (row["recipients"] as String).split(separator: ",").map(String.init), dkimSelector: row["dkim_selector"],
                     size: row["size"], timeDelivered: row["time_delivered"])
    }

    /// Events, newest first, filtered by Message-ID, queue id, recipient, type and time.
    public func events(messageId: String? = nil, recipient: String? = nil, type: String? = nil, since: Date? = nil,
                       limit: Int = 100) throws -> [Event] {
        if let type, EventLog.EventType(rawValue: type) == nil {
            throw ControlPlaneError.invalid(field: "type", "'\(type)' is not one of \(EventLog.EventType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try DeliveryEvent.checkLimit(limit)
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM event
                WHERE (?1 IS NULL OR message_id = ?1 OR queue_id = ?1) AND (?2 IS NULL OR recipient = ?2)
                  AND (?3 IS NULL OR type = ?3) AND (?4 IS NULL OR time >= ?4)
                ORDER BY id DESC LIMIT ?5
                """, arguments: [messageId, recipient?.lowercased(), type, since, limit]).map { row in
                Event(id: row["id"], time: row["time"], type: row["type"], queueId: row["queue_id"], messageId: row["message_id"],
                      envelopeSender: row["envelope_sender"], recipient: row["recipient"], status: row["status"],
                      errorType: row["error_type"], dkimSelector: row["dkim_selector"], source: row["source"])
            }
        }
    }
}

extension ControlPlaneStore {
    /// The stored body of the message `queueID`, or nil once it is dropped (every recipient
    /// final) or when there is no such message: what the store contract tests read back to show
    /// that both backends drop it.
    package func messageBody(queueID: String) throws -> [UInt8]? {
        try read { db in try Data.fetchOne(db, sql: "SELECT body FROM message WHERE id = ?", arguments: [queueID]) }.map { Array($0) }
    }
}
