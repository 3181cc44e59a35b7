import EnvoiCore
import Foundation
import PostgresNIO

/// The intake's commit on PostgreSQL: one transaction per batch of `PostgresQueueWriter`, with the
/// same rows and answers as the SQLite queue writer (EnvoiStore `QueueWriter`).
extension PostgresStore {
    /// How long a submission's answer is kept for retries (BEHAVIOUR.md §2: 24 hours), as in SQLite.
    static let submissionLedgerRetention: TimeInterval = 86_400

    /// Writes `messages` in one transaction, in order: the replay ledger is consulted, the limits
    /// re-checked, and message, queue entries, events, ledger row and usage written together.
    ///
    /// Limits that hold across nodes: the transaction first locks the tenancy row
    /// (`SELECT … FOR UPDATE`), so the batches of every node sharing the database are charged one
    /// after the other; only then does a *later* statement sum `send_usage`. Under READ COMMITTED
    /// each statement sees what was committed before it began, so that sum includes every batch
    /// that held the lock before — a sum taken in the locking statement itself would see the
    /// snapshot from before its wait. The row lock rather than an advisory lock: it guards exactly
    /// the row whose limits are charged (no key to keep apart from other users of advisory locks),
    /// and a change of limits waits for the batch in flight and applies to the next.
    ///
    /// Usage is counted from the window's start with no upper bound, so that seconds stamped by a
    /// node whose clock runs ahead still count: a skewed clock can only make the limits stricter.
    /// - Parameters:
    ///   - time: the batch's time: its rows' timestamps and the second its usage is charged to.
    ///   - purge: also drops usage older than a day and ledger answers past retention.
    func commitBatch(_ messages: [QueuedMessage], at time: Date, enforcesLimits: Bool, purge: Bool) async throws -> [SubmissionResult] {
        let second = Int64(time.timeIntervalSince1970)
        let ledgerSince = time.addingTimeInterval(-Self.submissionLedgerRetention)
        return try await transaction { connection in
            // Explicit: the re-read below relies on READ COMMITTED, whatever the server's default.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL READ COMMITTED", logger: logger)
            let limits = try await Self.limits(connection, logger, forUpdate: true)
            var (minute, day) = try await Self.usage(connection, logger, at: second)
            var results: [SubmissionResult] = []
            var charged = 0
            for message in messages {
                let submission = message.submission
                let count = submission.recipients.count
                if let replay = submission.replay,
                   let recorded = try await recordedSubmission(connection, user: submission.submitter.userId, key: replay.key,
                                                               since: ledgerSince) {
                    results.append(.replayed(response: recorded))
                    continue
                }
                if enforcesLimits, let refusal = limits.refusal(adding: count, minuteUsage: minute, dayUsage: day) {
                    results.append(.refused(.limitReached(refusal)))
                    continue
                }
                try await insert(connection, message, at: time)
                if let replay = submission.replay {
                    // Replaces an answer past retention that the purge has not dropped yet.
                    try await connection.query("""
                        INSERT INTO api_submission (user_id, message_id, response, time_created)
                        VALUES (\(submission.submitter.userId.rawValue), \(replay.key), \(replay.response), \(time))
                        ON CONFLICT (user_id, message_id) DO UPDATE SET response = excluded.response, time_created = excluded.time_created
                        """, logger: logger)
                }
                minute += count
                day += count
                charged += count
                results.append(.queued(id: message.queueID, messageId: message.messageID))
            }
            if charged > 0 {
                try await connection.query("""
                    INSERT INTO send_usage (second, recipients) VALUES (\(second), \(charged))
                    ON CONFLICT (second) DO UPDATE SET recipients = send_usage.recipients + excluded.recipients
                    """, logger: logger)
            }
            if purge {
                // An hour's margin: a node whose clock lags still counts the seconds of its own day.
                try await connection.query("DELETE FROM send_usage WHERE second < \(SendRateWindow.dayStart(at: second) - 3_600)",
                                           logger: logger)
                try await connection.query("DELETE FROM api_submission WHERE time_created < \(ledgerSince)", logger: logger)
            }
            return results
        }
    }

    /// The answer recorded for `key` from `user` at or after `since`.
    private func recordedSubmission(_ connection: PostgresConnection, user: OCID, key: String, since: Date) async throws -> String? {
        try await connection.query("""
            SELECT response FROM api_submission WHERE user_id = \(user.rawValue) AND message_id = \(key) AND time_created >= \(since)
            """, logger: logger).collect().first?.decode(String.self)
    }

    /// The message, a queue entry and an `accepted` event per recipient, a `suppressed` event per
    /// suppressed recipient (the event and error types of the SQLite store's `EventLog`). The
    /// recipients go in as one array each, so a message costs the same few round trips however
    /// many recipients it has.
    private func insert(_ connection: PostgresConnection, _ message: QueuedMessage, at time: Date) async throws {
        let submission = message.submission
        let sender = submission.envelopeSender.description
        let source = submission.source.rawValue
        try await connection.query("""
            INSERT INTO message (id, message_id, user_id, compartment_id, envelope_sender, source, client, size, body, time_received)
            VALUES (\(message.queueID), \(message.messageID), \(submission.submitter.userId.rawValue), \(submission.compartment?.rawValue),
                    \(sender), \(source), \(submission.client), \(submission.message.count), \(ByteBuffer(bytes: submission.message)), \(time))
            """, logger: logger)
        let recipients = submission.recipients.map(\.description)
        if !recipients.isEmpty {
            try await connection.query("""
                INSERT INTO queue_entry (queue_id, recipient, state, next_attempt)
                SELECT \(message.queueID), recipient, 'QUEUED', \(time) FROM unnest(\(recipients)::text[]) AS recipient
                """, logger: logger)
            try await connection.query("""
                INSERT INTO event (time, type, queue_id, message_id, envelope_sender, recipient, source)
                SELECT \(time), 'accepted', \(message.queueID), \(message.messageID), \(sender), recipient, \(source)
                FROM unnest(\(recipients)::text[]) AS recipient
                """, logger: logger)
        }
        let suppressed = submission.suppressedRecipients.map(\.description)
        if !suppressed.isEmpty {
            try await connection.query("""
                INSERT INTO event (time, type, queue_id, message_id, envelope_sender, recipient, error_type, source)
                SELECT \(time), 'suppressed', \(message.queueID), \(message.messageID), \(sender), recipient, 'Recipient suppressed', \(source)
                FROM unnest(\(suppressed)::text[]) AS recipient
                """, logger: logger)
        }
    }
}
