import EnvoiCore
import Foundation
import GRDB

/// A message the intake has checked, ready for the durable queue.
public struct QueuedMessage: Sendable {
    /// The id the client is told (`250 2.0.0 Ok: queued as <id>`, the HTTPS `envelopeId`).
    public var queueID: String
    /// The RFC 5322 Message-ID, without angle brackets.
    public var messageID: String?
    public var submission: Submission

    public init(queueID: String, messageID: String?, submission: Submission) {
        self.queueID = queueID
        self.messageID = messageID
        self.submission = submission
    }

    /// A new queue id.
    public static func makeQueueID() -> String { OCID.generate(.message).rawValue }
}

/// The durable, group-committed queue writer.
///
/// Submissions from concurrent sessions wait here while one transaction is being written; the
/// next transaction then takes all of them at once, so one fsync (WAL, `synchronous=FULL`) covers
/// many messages — the batch grows with the load, and a lone message is written at once. The send
/// limits are charged in the same transaction, in arrival order, so concurrent sessions can never
/// together go past a limit (BEHAVIOUR.md §1: "the commit at the final dot re-checks atomically").
public final class QueueWriter: Sendable {
    private struct Pending {
        var message: QueuedMessage
        var continuation: CheckedContinuation<SubmissionResult, Never>
    }

    private struct State {
        var pending: [Pending] = []
        var window = SendRateWindow()
        var lastPurge: Int64 = 0
        var finished = false
    }

    private let store: ControlPlaneStore
    private let statistics: ServiceStatistics
    private let enforcesLimits: Bool
    private let state: Locked<State>
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// Opens the writer and rebuilds the send-rate windows from the persisted usage of the last day.
    /// - Parameter enforcesLimits: false counts usage but refuses nothing (`limits.enforce =
    ///   false`, to measure what enforcing costs).
    public init(store: ControlPlaneStore, statistics: ServiceStatistics = ServiceStatistics(), enforcesLimits: Bool = true) throws {
        self.store = store
        self.statistics = statistics
        self.enforcesLimits = enforcesLimits
        let now = Int64(store.now().timeIntervalSince1970)
        let window = try store.read { db in try Self.persistedWindow(db, now: now) }
        statistics.adjustQueueDepth(by: try store.read { db in try Self.queueDepth(db) })
        var initial = State(window: window)
        #if DEBUG
        initial.finished = StoreFault.active.contains(.queueWriter)
        #endif
        state = Locked(initial)
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Commits `message`; returns once it is on disk (or refused).
    public func commit(_ message: QueuedMessage) async -> SubmissionResult {
        await withCheckedContinuation { continuation in
            let accepted = state.withLock { state -> Bool in
                guard !state.finished else { return false }
                state.pending.append(Pending(message: message, continuation: continuation))
                return true
            }
            // A writer that has stopped cannot take anything any more: the mail system has failed.
            if accepted { wake.yield() } else { continuation.resume(returning: .refused(.mailSystemFailure)) }
        }
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
        for await _ in wakeups {
            await flushPending()
        }
        await flushPending()
    }

    /// Stops taking submissions; `run()` returns once those already taken are written.
    public func finish() {
        state.withLock { $0.finished = true }
        wake.finish()
    }

    private func flushPending() async {
        while true {
            let (batch, window) = state.withLock { state -> ([Pending], SendRateWindow) in
                defer { state.pending.removeAll() }
                return (state.pending, state.window)
            }
            guard !batch.isEmpty else { return }
            let results: [SubmissionResult]
            if let (batchResults, newWindow) = try? await write(batch.map(\.message), window: window) {
                results = batchResults
                state.withLock { $0.window = newWindow }
            } else {
                // One bad submission must not fail the others: write each on its own.
                var individual: [SubmissionResult] = []
                for pending in batch {
                    let current = state.withLock { $0.window }
                    if let (result, newWindow) = try? await write([pending.message], window: current) {
                        individual.append(result[0])
                        state.withLock { $0.window = newWindow }
                    } else {
                        individual.append(.refused(.storageFailure))
                    }
                }
                results = individual
            }
            for (pending, result) in zip(batch, results) {
                count(result, pending.message.submission)
                pending.continuation.resume(returning: result)
            }
        }
    }

    /// Counts what a commit accepted (refusals are counted by the intake, which sees them all).
    private func count(_ result: SubmissionResult, _ submission: Submission) {
        guard case .queued = result else { return }
        statistics.record(.accepted, count: submission.recipients.count)
        statistics.record(.suppressed, count: submission.suppressedRecipients.count)
        statistics.adjustQueueDepth(by: submission.recipients.count)
    }

    /// One transaction for the whole batch: limits, message, queue entries, events, usage.
    private func write(_ messages: [QueuedMessage], window: SendRateWindow) async throws -> ([SubmissionResult], SendRateWindow) {
        let time = store.now()
        let second = Int64(time.timeIntervalSince1970)
        let purge = state.withLock { state -> Bool in
            guard second - state.lastPurge >= 60 else { return false }
            state.lastPurge = second
            return true
        }
        return try await store.pool.write { db in
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
