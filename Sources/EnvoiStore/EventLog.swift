import EnvoiCore
import Foundation
import GRDB

/// The delivery event log: what happened to each message and recipient, searchable for 14 days
/// (BEHAVIOUR.md §4, §7).
public enum EventLog {
    /// The kinds of event.
    public enum EventType: String, Sendable, CaseIterable {
        case accepted, suppressed, relayed, deferred, bounced, complaint, rejected
    }

    static func record(_ db: Database, type: EventType, at time: Date, message: QueuedMessage, recipient: String?,
                       status: String? = nil, errorType: String? = nil, dkimSelector: String? = nil) throws {
        // Cached: the queue writer records an event per recipient, thousands a second.
        try db.cachedStatement(sql: """
            INSERT INTO event (time, type, queue_id, message_id, envelope_sender, recipient, status, error_type, dkim_selector, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [time, type.rawValue, message.queueID, message.messageID, message.submission.envelopeSender.description,
                             recipient, status, errorType, dkimSelector, message.submission.source.rawValue])
    }
}
