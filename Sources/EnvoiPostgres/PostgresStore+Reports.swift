import EnvoiCore
import Foundation
import PostgresNIO

/// What asynchronous bounces and complaints change on PostgreSQL: the same events and
/// suppressions as the SQLite store's (EnvoiStore `ControlPlaneStore+Reports`). Whichever node
/// the report reaches, it finds the message, since every node's queue is this database.
extension PostgresStore: ReportStore {
    public func recipients(ofQueueID queueID: String) async throws -> [String]? {
        try await client.withConnection { connection in
            let message = try await connection.query("SELECT 1 FROM message WHERE id = \(queueID)", logger: logger).collect()
            guard !message.isEmpty else { return nil }
            return try await connection.query("SELECT recipient FROM queue_entry WHERE queue_id = \(queueID) ORDER BY recipient",
                                              logger: logger).collect().map { try $0.decode(String.self) }
        }
    }

    public func recordReport(queueID: String, recipient: String, outcome: ReportedOutcome, detail: String,
                             source: String?) async throws -> Bool {
        let time = now()
        return try await transaction { connection in
            let rows = try await connection.query("""
                SELECT message.message_id, message.envelope_sender, queue_entry.recipient FROM message
                JOIN queue_entry ON queue_entry.queue_id = message.id
                WHERE message.id = \(queueID) AND lower(queue_entry.recipient) = lower(\(recipient))
                """, logger: logger).collect()
            guard let row = rows.first else { return false }
            let (messageID, envelopeSender, stored) = try row.decode((String?, String, String).self)
            let address = stored.lowercased()
            let (type, errorType) = outcome.event
            try await connection.query("""
                INSERT INTO event (time, type, queue_id, message_id, envelope_sender, recipient, status, error_type, source)
                VALUES (\(time), \(type), \(queueID), \(messageID), \(envelopeSender), \(stored), \(detail), \(errorType), 'report')
                """, logger: logger)
            switch outcome {
            case .hardBounce:
                try await suppress(connection, address, reason: .hardBounce, messageID: messageID, detail: detail, source: source, at: time)
            case .complaint:
                try await suppress(connection, address, reason: .complaint, messageID: messageID, detail: detail, source: source, at: time)
            case .softBounce:
                if try await countSoftBounce(connection, address) >= softBounceLimit {
                    try await suppress(connection, address, reason: .softBounce, messageID: messageID, detail: detail, source: source,
                                       at: time)
                }
            }
            return true
        }
    }
}
