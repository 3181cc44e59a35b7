import EnvoiCore
import Foundation
import PostgresNIO

/// The capture transport's mailbox on PostgreSQL: the same rows as the SQLite store's, which
/// `envoi mail` reads.
extension PostgresStore {
    /// Keeps a delivered (signed) message. Idempotent, as on SQLite: after a crash between this
    /// write and the recording of the outcome, the same recipients are delivered again and kept
    /// once; here the unique index on the queue id and recipients holds even when two nodes race.
    public func keepInMailbox(_ message: [UInt8], of job: DeliveryJob, recipients: [String], dkimSelector: String?,
                              now: Date) async throws {
        let recipients = recipients.joined(separator: ",")
        try await client.query("""
            INSERT INTO mailbox (queue_id, message_id, envelope_sender, recipients, dkim_selector, size, body, time_delivered)
            VALUES (\(job.queueID), \(job.messageID), \(job.envelopeSender), \(recipients), \(dkimSelector), \(message.count),
                    \(ByteBuffer(bytes: message)), \(now))
            ON CONFLICT (queue_id, md5(recipients)) DO NOTHING
            """, logger: logger)
    }
}
