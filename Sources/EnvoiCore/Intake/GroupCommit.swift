/// Group commit of submissions, whatever the database: concurrent `commit` calls wait here while
/// one batch is being written, and the next batch takes all of them at once, so that one durable
/// transaction covers many messages — the batch grows with the load, and a lone message is
/// written at once. Both stores' queue writers are this loop around their own transaction.
public final class GroupCommit: Sendable {
    private struct Pending {
        var message: QueuedMessage
        var continuation: CheckedContinuation<SubmissionResult, Never>
    }

    private struct State {
        var pending: [Pending] = []
        var finished = false
    }

    private let statistics: ServiceStatistics
    private let state = Locked(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    /// A group commit that counts what it accepts in `statistics`.
    public init(statistics: ServiceStatistics) {
        self.statistics = statistics
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Hands `message` to the next batch; returns once that batch is durable (or refused).
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

    /// Writes batches with `write` until `finish()` is called and every pending submission is
    /// written. `write` answers one result per message, in order, from one transaction.
    public func run(writing write: ([QueuedMessage]) async throws -> [SubmissionResult]) async {
        for await _ in wakeups {
            await flushPending(write)
        }
        await flushPending(write)
    }

    /// Stops taking submissions; `run` returns once those already taken are written.
    public func finish() {
        state.withLock { $0.finished = true }
        wake.finish()
    }

    /// Refuses every submission from now on (`mailSystemFailure`) while `run` keeps going until
    /// `finish()`: a writer that has failed but must still stop in turn at shutdown, as the debug
    /// fault hook makes one. (Ending `run` early would end its service, and with it the group.)
    package func refuseAll() {
        state.withLock { $0.finished = true }
    }

    private func flushPending(_ write: ([QueuedMessage]) async throws -> [SubmissionResult]) async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                defer { state.pending.removeAll() }
                return state.pending
            }
            guard !batch.isEmpty else { return }
            var results: [SubmissionResult]
            if let batchResults = try? await write(batch.map(\.message)), batchResults.count == batch.count {
                results = batchResults
            } else {
                // One bad submission must not fail the others: write each on its own.
                results = []
                for pending in batch {
                    let single = try? await write([pending.message])
                    results.append(single?.first ?? .refused(.storageFailure))
                }
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
}
