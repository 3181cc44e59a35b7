import EnvoiCore
import Foundation
import GRDB

/// What asynchronous bounces and complaints change: the suppression list and the event log,
/// for a message Envoi sent and one of its recipients.
extension ControlPlaneStore {
    /// The recipients of queued message `queueID` (in every state, delivered ones included: a
    /// bounce comes after the delivery), or nil when there is no such message.
    public func recipients(ofQueueID queueID: String) throws -> [String]? {
        try read { db in
            guard try Row.fetchOne(db, sql: "SELECT 1 FROM message WHERE id = ?", arguments: [queueID]) != nil else { return nil }
            return try String.fetchAll(db, sql: "SELECT recipient FROM queue_entry WHERE queue_id = ? ORDER BY recipient",
                                       arguments: [queueID])
        }
    }

    /// Records, in one transaction, what a report says about `recipient` of message `queueID`:
    /// a `bounced` or `complaint` event, and the suppression (HARDBOUNCE, COMPLAINT, or
    /// SOFTBOUNCE once `softBounceLimit` soft bounces came in a row). False when the message
    /// or the recipient is unknown (nothing is written).
    @discardableResult
    public func recordReport(queueID: String, recipient: String, outcome: ReportedOutcome, detail: String,
                             source: String?) throws -> Bool {
        let time = now()
        let limit = softBounceLimit
        return try write { db in
            guard let message = try Row.fetchOne(db, sql: """
                SELECT message.message_id, message.envelope_sender, queue_entry.recipient FROM message
                JOIN queue_entry ON queue_entry.queue_id = message.id
                WHERE message.id = ? AND queue_entry.recipient = ? COLLATE NOCASE
                """, arguments: [queueID, recipient]) else { return false }
            let messageID: String? = message["message_id"]
            let address = (message["recipient"] as String).lowercased()
            let (type, errorType) = outcome.event
            try db.execute(sql: """
                INSERT INTO event (time, type, queue_id, message_id, envelope_sender, recipient, status, error_type, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'report')
                """, arguments: [time, type, queueID, messageID, message["envelope_sender"] as String?,
                                 message["recipient"] as String, detail, errorType])
            switch outcome {
            case .hardBounce:
                try Self.suppress(db, address, reason: .hardBounce, messageID: messageID, detail: detail, source: source, at: time)
            case .complaint:
                try Self.suppress(db, address, reason: .complaint, messageID: messageID, detail: detail, source: source, at: time)
            case .softBounce:
                if try Self.countSoftBounce(db, address) >= limit {
                    try Self.suppress(db, address, reason: .softBounce, messageID: messageID, detail: detail, source: source, at: time)
                }
            }
            return true
        }
    }
}

/// `ReportStore` on SQLite: overloads by `async` alone, each running the synchronous operation
/// of the same name on a worker thread (as `ControlPlaneStore+DeliveryQueueStore`).
extension ControlPlaneStore: ReportStore {
    public func recipients(ofQueueID queueID: String) async throws -> [String]? {
        try await Blocking.run { [self] in try recipients(ofQueueID: queueID) }
    }

    public func recordReport(queueID: String, recipient: String, outcome: ReportedOutcome, detail: String,
                             source: String?) async throws -> Bool {
        try await Blocking.run { [self] in
            try recordReport(queueID: queueID, recipient: recipient, outcome: outcome, detail: detail, source: source)
        }
    }
}
