import EnvoiCore
import Foundation
import PostgresNIO

/// What a delivery attempt leaves behind, on PostgreSQL: the same entries, events and
/// suppressions as the SQLite store's `recordDeliveries`.
extension PostgresStore {
    /// Records the outcome of one attempt for each recipient of `job`, in one transaction: the
    /// queue entries (and their leases freed), the events, suppressions for bounces, and the
    /// message body's removal once every recipient is final.
    public func recordDeliveries(_ records: [DeliveryRecord], of job: DeliveryJob, now: Date) async throws {
        try await transaction { connection in
            for record in records {
                let (state, next): (String, Date?) = switch record.result {
                case .relayed: ("DELIVERED", nil)
                case .deferred(let retryAt): ("QUEUED", retryAt)
                case .bouncedHard, .bouncedSoft: ("BOUNCED", nil)
                case .suppressed: ("SUPPRESSED", nil)
                }
                let attempted = record.result == .suppressed ? 0 : 1
                try await connection.query("""
                    UPDATE queue_entry SET state = \(state), attempts = attempts + \(attempted),
                        next_attempt = COALESCE(\(next)::timestamptz, next_attempt), last_reply = \(record.status),
                        lease_until = NULL, leased_by = NULL
                    WHERE queue_id = \(job.queueID) AND recipient = \(record.recipient)
                    """, logger: logger)
                try await recordEvent(connection, record, of: job, at: now)
                try await updateSuppressions(connection, record, of: job, at: now)
            }
            // Bodies are kept only while in transit (BEHAVIOUR.md §7).
            try await connection.query("""
                UPDATE message SET body = NULL WHERE id = \(job.queueID)
                AND NOT EXISTS (SELECT 1 FROM queue_entry WHERE queue_id = \(job.queueID) AND state = 'QUEUED')
                """, logger: logger)
        }
    }

    /// The event types and error types of the SQLite store's event log (EnvoiStore `EventLog`).
    private func recordEvent(_ connection: PostgresConnection, _ record: DeliveryRecord, of job: DeliveryJob, at time: Date) async throws {
        let (type, errorType): (String, String?) = switch record.result {
        case .relayed: ("relayed", record.dkimSelector == nil ? "Unsigned: no ACTIVE DKIM key" : nil)
        case .deferred: ("deferred", "Deferred")
        case .bouncedHard: ("bounced", "Invalid Recipient")
        case .bouncedSoft: ("bounced", "Expired")
        case .suppressed: ("suppressed", "Recipient suppressed")
        }
        try await connection.query("""
            INSERT INTO event (time, type, queue_id, message_id, envelope_sender, recipient, status, error_type, dkim_selector, source)
            VALUES (\(time), \(type), \(job.queueID), \(job.messageID), \(job.envelopeSender), \(record.recipient), \(record.status),
                    \(errorType), \(record.dkimSelector), 'delivery')
            """, logger: logger)
    }

    /// A hard bounce suppresses at once; soft bounces do after `softBounceLimit` in a row; a
    /// delivery resets the count.
    private func updateSuppressions(_ connection: PostgresConnection, _ record: DeliveryRecord, of job: DeliveryJob,
                                    at time: Date) async throws {
        let address = record.recipient.lowercased()
        switch record.result {
        case .bouncedHard:
            try await suppress(connection, address, reason: .hardBounce, messageID: job.messageID, detail: record.status,
                               source: record.remoteHost, at: time)
        case .bouncedSoft:
            if try await countSoftBounce(connection, address) >= softBounceLimit {
                try await suppress(connection, address, reason: .softBounce, messageID: job.messageID, detail: record.status,
                                   source: record.remoteHost, at: time)
            }
        case .relayed:
            try await connection.query("DELETE FROM soft_bounce WHERE email_address = \(address)", logger: logger)
        case .deferred, .suppressed:
            break
        }
    }

    /// Counts one more soft bounce of `address` in a row; the count.
    func countSoftBounce(_ connection: PostgresConnection, _ address: String) async throws -> Int {
        let counted = try await connection.query("""
            INSERT INTO soft_bounce (email_address, count) VALUES (\(address), 1)
            ON CONFLICT (email_address) DO UPDATE SET count = soft_bounce.count + 1
            RETURNING count
            """, logger: logger).collect()
        return try counted.first?.decode(Int.self) ?? 0
    }

    /// Suppresses `address`, or updates its entry with the latest reason and cause.
    func suppress(_ connection: PostgresConnection, _ address: String, reason: SuppressionReason, messageID: String?,
                  detail: String?, source: String?, at time: Date) async throws {
        try await connection.query("""
            INSERT INTO suppression (id, email_address, reason, time_created, time_last_suppressed, message_id, error_detail, error_source)
            VALUES (\(OCID.generate(.suppression).rawValue), \(address), \(reason.rawValue), \(time), \(time), \(messageID),
                    \(detail), \(source))
            ON CONFLICT (email_address) DO UPDATE SET reason = excluded.reason, time_last_suppressed = excluded.time_last_suppressed,
                message_id = excluded.message_id, error_detail = excluded.error_detail, error_source = excluded.error_source
            """, logger: logger)
    }
}
