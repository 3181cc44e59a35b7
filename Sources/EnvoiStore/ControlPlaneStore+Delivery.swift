import EnvoiCore
import Foundation
import GRDB

/// The delivery queue on SQLite, synchronous: each operation is one GRDB transaction on the
/// calling thread. The scheduler reaches them through `DeliveryQueueStore`, whose `async`
/// overloads (`ControlPlaneStore+DeliveryQueueStore`) run them on a worker.
extension ControlPlaneStore {
    /// Consecutive soft bounces of one recipient that make a SOFTBOUNCE suppression, unless the
    /// store is opened with another `softBounceLimit` (`delivery.soft_bounce_limit`).
    public static let defaultSoftBounceLimit = ControlPlaneDefaults.softBounceLimit

    public func claimDueDeliveries(now: Date, limit: Int, lease: TimeInterval) throws -> [DeliveryJob] {
        try write { db in
            let due = try Row.fetchAll(db, sql: """
                SELECT queue_id, recipient, attempts FROM queue_entry
                WHERE state = 'QUEUED' AND next_attempt <= ?1 AND (lease_until IS NULL OR lease_until <= ?1)
                ORDER BY next_attempt LIMIT ?2
                """, arguments: [now, limit])
            var order: [String] = []
            var recipients: [String: [(String, Int)]] = [:]
            for row in due {
                let queueID: String = row["queue_id"]
                if recipients[queueID] == nil { order.append(queueID) }
                recipients[queueID, default: []].append((row["recipient"], row["attempts"]))
                try db.execute(sql: "UPDATE queue_entry SET lease_until = ? WHERE queue_id = ? AND recipient = ?",
                               arguments: [now.addingTimeInterval(lease), queueID, row["recipient"] as String])
            }
            return try order.compactMap { queueID -> DeliveryJob? in
                guard let message = try Row.fetchOne(db, sql: "SELECT * FROM message WHERE id = ?", arguments: [queueID]),
                      let body = message["body"] as Data? else { return nil }
                let entries = recipients[queueID] ?? []
                return DeliveryJob(queueID: queueID, messageID: message["message_id"], envelopeSender: message["envelope_sender"],
                                   recipients: entries.map(\.0), attempts: Dictionary(uniqueKeysWithValues: entries),
                                   body: Array(body), timeReceived: message["time_received"])
            }
        }
    }

    public func recordDeliveries(_ records: [DeliveryRecord], of job: DeliveryJob, now: Date) throws {
        try write { db in
            for record in records {
                let (state, next): (String, Date?) = switch record.result {
                case .relayed: ("DELIVERED", nil)
                case .deferred(let retryAt): ("QUEUED", retryAt)
                case .bouncedHard, .bouncedSoft: ("BOUNCED", nil)
                case .suppressed: ("SUPPRESSED", nil)
                }
                try db.execute(sql: """
                    UPDATE queue_entry SET state = ?, attempts = attempts + ?, next_attempt = COALESCE(?, next_attempt),
                        last_reply = ?, lease_until = NULL
                    WHERE queue_id = ? AND recipient = ?
                    """, arguments: [state, record.result == .suppressed ? 0 : 1, next, record.status, job.queueID, record.recipient])
                try Self.recordEvent(db, record, of: job, at: now)
                try Self.updateSuppressions(db, record, of: job, at: now, softBounceLimit: softBounceLimit)
            }
            // Bodies are kept only while in transit (BEHAVIOUR.md §7).
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM queue_entry WHERE queue_id = ? AND state = 'QUEUED'",
                                           arguments: [job.queueID]) ?? 0
            if pending == 0 { try db.execute(sql: "UPDATE message SET body = NULL WHERE id = ?", arguments: [job.queueID]) }
        }
    }

    private static func recordEvent(_ db: Database, _ record: DeliveryRecord, of job: DeliveryJob, at time: Date) throws {
        let (type, errorType): (EventLog.EventType, String?) = switch record.result {
        case .relayed: (.relayed, record.dkimSelector == nil ? "Unsigned: no ACTIVE DKIM key" : nil)
        case .deferred: (.deferred, "Deferred")
        case .bouncedHard: (.bounced, "Invalid Recipient")
        case .bouncedSoft: (.bounced, "Expired")
        case .suppressed: (.suppressed, "Recipient suppressed")
        }
        try db.execute(sql: """
            INSERT INTO event (time, type, queue_id, message_id, envelope_sender, recipient, status, error_type, dkim_selector, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'delivery')
            """, arguments: [time, type.rawValue, job.queueID, job.messageID, job.envelopeSender, record.recipient, record.status,
                             errorType, record.dkimSelector])
    }

    /// A hard bounce suppresses at once; soft bounces do after `softBounceLimit` in a row; a
    /// delivery resets the count.
    private static func updateSuppressions(_ db: Database, _ record: DeliveryRecord, of job: DeliveryJob, at time: Date,
                                           softBounceLimit: Int) throws {
        let address = record.recipient.lowercased()
        switch record.result {
        case .bouncedHard:
            try suppress(db, address, reason: .hardBounce, messageID: job.messageID, detail: record.status,
                         source: record.remoteHost, at: time)
        case .bouncedSoft:
            if try countSoftBounce(db, address) >= softBounceLimit {
                try suppress(db, address, reason: .softBounce, messageID: job.messageID, detail: record.status,
                             source: record.remoteHost, at: time)
            }
        case .relayed:
            try db.execute(sql: "DELETE FROM soft_bounce WHERE email_address = ?", arguments: [address])
        case .deferred, .suppressed:
            break
        }
    }

    /// Adds one more soft bounce in a row for `address` and returns how many there are now.
    static func countSoftBounce(_ db: Database, _ address: String) throws -> Int {
        try db.execute(sql: """
            INSERT INTO soft_bounce (email_address, count) VALUES (?, 1)
            ON CONFLICT(email_address) DO UPDATE SET count = count + 1
            """, arguments: [address])
        return try Int.fetchOne(db, sql: "SELECT count FROM soft_bounce WHERE email_address = ?", arguments: [address]) ?? 0
    }

    /// Suppresses `address` (lower-cased), or updates its entry with the latest reason and cause.
    static func suppress(_ db: Database, _ address: String, reason: SuppressionReason, messageID: String?, detail: String?,
                         source: String?, at time: Date) throws {
        try db.execute(sql: """
            INSERT INTO suppression (id, email_address, reason, time_created, time_last_suppressed, message_id, error_detail, error_source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(email_address) DO UPDATE SET reason = excluded.reason, time_last_suppressed = excluded.time_last_suppressed,
                message_id = excluded.message_id, error_detail = excluded.error_detail, error_source = excluded.error_source
            """, arguments: [OCID.generate(.suppression).rawValue, address, reason.rawValue, time, time, messageID,
                             detail, source])
    }

    public func activeSigningKey(domain: String) throws -> (selector: String, privateKeyPEM: String)? {
        let found: (OCID, String)? = try read { db in
            try Row.fetchOne(db, sql: """
                SELECT dkim.id, dkim.name FROM dkim JOIN email_domain ON email_domain.active_dkim_id = dkim.id
                WHERE email_domain.name = ? AND dkim.lifecycle_state = 'ACTIVE'
                """, arguments: [domain.lowercased()]).map { (OCID(uncheckedRow: $0["id"]), $0["name"]) }
        }
        guard let (id, selector) = found else { return nil }
        return (selector, try dkimPrivateKey(id))
    }

    public func releaseAllLeases() throws {
        try write { db in try db.execute(sql: "UPDATE queue_entry SET lease_until = NULL WHERE lease_until IS NOT NULL") }
    }

    public func purgeEvents(before cutoff: Date) throws -> Int {
        try write { db in
            try db.execute(sql: "DELETE FROM event WHERE time < ?", arguments: [cutoff])
            return db.changesCount
        }
    }

    public func isSuppressed(_ address: String) throws -> Bool {
        // One statement: it needs no snapshot shared with another (see `readWithoutTransaction`).
        try readWithoutTransaction { db in
            try Row.fetchOne(db, sql: "SELECT 1 FROM suppression WHERE email_address = ?", arguments: [address.lowercased()]) != nil
        }
    }

    public func keepInMailbox(_ message: [UInt8], of job: DeliveryJob, recipients: [String], dkimSelector: String?, now: Date) throws {
        // Idempotent: after a crash between this write and the recording of the outcome, the
        // scheduler delivers the same recipients again; the mailbox keeps them once.
        try write { db in
            let recipients = recipients.joined(separator: ",")
            try db.execute(sql: """
                INSERT INTO mailbox (queue_id, message_id, envelope_sender, recipients, dkim_selector, size, body, time_delivered)
                SELECT ?, ?, ?, ?, ?, ?, ?, ?
                WHERE NOT EXISTS (SELECT 1 FROM mailbox WHERE queue_id = ? AND recipients = ?)
                """, arguments: [job.queueID, job.messageID, job.envelopeSender, recipients, dkimSelector,
                                 message.count, Data(message), now, job.queueID, recipients])
        }
    }
}
