import EnvoiCore
import Foundation
import GRDB

/// The durable, group-committed queue writer.
///
/// Submissions from concurrent sessions wait here while one transaction is being written; the
/// next transaction then takes all of them at once, so one fsync (WAL, `synchronous=FULL`) covers
/// many messages — the batch grows with the load, and a lone message is written at once (the loop
/// is EnvoiCore's `GroupCommit`, shared with the PostgreSQL writer). The send
/// limits are charged in the same transaction, in arrival order, so concurrent sessions can never
/// together go past a limit (BEHAVIOUR.md §1: "the commit at the final dot re-checks atomically").
public final class QueueWriter: SendUsageSource {
    private struct State {
        var window = SendRateWindow()
        var lastPurge: Int64 = 0
    }

    let store: ControlPlaneStore
    private let enforcesLimits: Bool
    private let group: GroupCommit
    private let state: Locked<State>
    /// The intake's suppression lookups, batched.
    let suppressions: BatchedLookup<String>

    /// Opens the writer and rebuilds the send-rate windows from the persisted usage of the last day.
    /// - Parameter enforcesLimits: false counts usage but refuses nothing (`limits.enforce =
    ///   false`, to measure what enforcing costs).
    public init(store: ControlPlaneStore, statistics: ServiceStatistics = ServiceStatistics(), enforcesLimits: Bool = true) throws {
        self.store = store
        self.enforcesLimits = enforcesLimits
        group = GroupCommit(statistics: statistics)
        suppressions = BatchedLookup { [store] addresses in try await Blocking.run { try store.suppressed(among: addresses) } }
        let now = Int64(store.now().timeIntervalSince1970)
        let window = try store.read { db in try Self.persistedWindow(db, now: now) }
        statistics.adjustQueueDepth(by: try store.read { db in try Self.queueDepth(db) })
        state = Locked(State(window: window))
        #if DEBUG
        if StoreFault.active.contains(.queueWriter) { group.refuseAll() }
        #endif
    }

    /// Commits `message`; returns once it is on disk (or refused).
    public func commit(_ message: QueuedMessage) async -> SubmissionResult {
        await group.commit(message)
    }

    /// Recipients accepted in the last minute and day, as the limits count them.
    public func usage() -> (minute: Int, day: Int) {
        let now = Int64(store.now().timeIntervalSince1970)
        return state.withLock { $0.window.usage(at: now) }
    }

    /// Usage, the 60-minute history and the recipients of the last `recentSeconds`, in one look.
    public func usageDetail(recentSeconds: Int64) -> (minute: Int, day: Int, history: [Int], recent: Int) {
        let now = Int64(store.now().timeIntervalSince1970)
        return state.withLock { state in
            let (minute, day) = state.window.usage(at: now)
            return (minute, day, state.window.perMinuteHistory(at: now), state.window.recent(seconds: recentSeconds, at: now))
        }
    }

    /// The send-rate windows as the persisted usage of the last day rebuilds them.
    static func persistedWindow(_ db: Database, now: Int64) throws -> SendRateWindow {
        var window = SendRateWindow()
        let rows = try Row.fetchAll(db, sql: "SELECT second, recipients FROM send_usage WHERE second > ? ORDER BY second",
                                    arguments: [now - 86_400 - 60])
        for row in rows { window.record(row["recipients"], at: row["second"]) }
        return window
    }

    /// Queue entries waiting for delivery.
    static func queueDepth(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM queue_entry WHERE state = 'QUEUED'") ?? 0
    }

    /// The early check at MAIL FROM and RCPT TO: would `count` more recipients go past a limit?
    public func refusal(adding count: Int, limits: SendLimits) -> LimitRefusal? {
        guard enforcesLimits else { return nil }
        let now = Int64(store.now().timeIntervalSince1970)
        return state.withLock { $0.window.refusal(adding: count, at: now, limits: limits) }
    }

    /// Writes batches until `finish()` is called and every pending submission is written.
    public func run() async {
        await group.run { messages in try await write(messages) }
    }

    /// Stops taking submissions; `run()` returns once those already taken are written.
    public func finish() {
        group.finish()
    }

    /// One transaction for the whole batch: limits, message, queue entries, events, usage.
    /// The windows are taken as they are and replaced only once the transaction has committed, so
    /// that a failed batch charges nothing (batches are written one at a time, by `run`).
    private func write(_ messages: [QueuedMessage]) async throws -> [SubmissionResult] {
        let window = state.withLock { $0.window }
        let time = store.now()
        let second = Int64(time.timeIntervalSince1970)
        let purge = state.withLock { state -> Bool in
            guard second - state.lastPurge >= 60 else { return false }
            state.lastPurge = second
            return true
        }
        let (results, newWindow) = try await store.pool.write { db in
            var window = window
            let limits = try ControlPlaneStore.tenancy(db).limits
            var results: [SubmissionResult] = []
            var charged = 0
            for message in messages {
                let submission = message.submission
                let count = submission.recipients.count
                if let replay = submission.replay,
                   let recorded = try ControlPlaneStore.recordedSubmission(db, user: submission.submitter.userId, messageId: replay.key,
                                                                            since: time.addingTimeInterval(-ControlPlaneStore.submissionLedgerRetention)) {
                    results.append(.replayed(response: recorded))
                    continue
                }
                if enforcesLimits, let refusal = window.refusal(adding: count, at: second, limits: limits) {
                    results.append(.refused(.limitReached(refusal)))
                    continue
                }
                try Self.insert(db, message, at: time)
                if let replay = submission.replay {
                    try ControlPlaneStore.recordSubmission(db, user: submission.submitter.userId, messageId: replay.key,
                                                           response: replay.response, at: time)
                }
                window.record(count, at: second)
                charged += count
                results.append(.queued(id: message.queueID, messageId: message.messageID))
            }
            if charged > 0 {
                try db.execute(sql: """
                    INSERT INTO send_usage (second, recipients) VALUES (?, ?)
                    ON CONFLICT(second) DO UPDATE SET recipients = recipients + excluded.recipients
                    """, arguments: [second, charged])
            }
            if purge {
                try db.execute(sql: "DELETE FROM send_usage WHERE second <= ?", arguments: [second - 86_400 - 60])
                try db.execute(sql: "DELETE FROM api_submission WHERE time_created < ?",
                               arguments: [time.addingTimeInterval(-ControlPlaneStore.submissionLedgerRetention)])
            }
            return (results, window)
        }
        state.withLock { $0.window = newWindow }
        return results
    }

    /// Statements are cached per connection: compiling them anew for every message cost more than
    /// executing them.
    private static func insert(_ db: Database, _ message: QueuedMessage, at time: Date) throws {
        let submission = message.submission
        try db.cachedStatement(sql: """
            INSERT INTO message (id, message_id, user_id, compartment_id, envelope_sender, source, client, size, body, time_received)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [message.queueID, message.messageID, submission.submitter.userId.rawValue, submission.compartment?.rawValue,
                             submission.envelopeSender.description, submission.source.rawValue, submission.client,
                             submission.message.count, Data(submission.message), time])
        for recipient in submission.recipients {
            try db.cachedStatement(sql: "INSERT INTO queue_entry (queue_id, recipient, state, next_attempt) VALUES (?, ?, 'QUEUED', ?)")
                .execute(arguments: [message.queueID, recipient.description, time])
            try EventLog.record(db, type: .accepted, at: time, message: message, recipient: recipient.description)
        }
        for recipient in submission.suppressedRecipients {
            try EventLog.record(db, type: .suppressed, at: time, message: message, recipient: recipient.description,
                                errorType: "Recipient suppressed")
        }
    }
}
