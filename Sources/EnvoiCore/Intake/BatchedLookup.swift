/// Answers concurrent membership questions ("is this address suppressed?") with one lookup per
/// batch, as `GroupCommit` writes many submissions in one transaction: while one lookup runs, the
/// questions that arrive wait, and the next lookup takes all of them (up to `maximumBatch`). A
/// lone question is looked up at once. Under load the per-lookup cost (a hop to the blocking pool,
/// a pooled connection, a round trip) is paid once per batch instead of once per recipient.
public final class BatchedLookup<Key: Hashable & Sendable>: Sendable {
    public typealias Lookup = @Sendable ([Key]) async throws -> Set<Key>

    private struct Question {
        var key: Key
        var continuation: CheckedContinuation<Bool, any Error>
    }

    private struct State {
        var pending: [Question] = []
        /// Whether a drain task is running; it takes every question that arrives meanwhile.
        var draining = false
    }

    /// The most keys one lookup is given.
    public let maximumBatch: Int
    private let lookup: Lookup
    private let state = Locked(State())

    /// - Parameter lookup: which of the given keys (no duplicates) are members.
    public init(maximumBatch: Int = 256, lookup: @escaping Lookup) {
        self.maximumBatch = max(1, maximumBatch)
        self.lookup = lookup
    }

    /// Whether `key` is a member, as the batch that takes it finds; a failed lookup fails every
    /// question of its batch, and the next batch tries again.
    public func contains(_ key: Key) async throws -> Bool {
        try await withCheckedThrowingContinuation { continuation in
            let starts = state.withLock { state -> Bool in
                state.pending.append(Question(key: key, continuation: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if starts { Task { await drain() } }
        }
    }

    /// Questions waiting for a lookup (for tests).
    package var waiting: Int { state.withLock { $0.pending.count } }

    /// Looks up batches until no question is waiting.
    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Question] in
                let count = min(maximumBatch, state.pending.count)
                if count == 0 { state.draining = false }
                defer { state.pending.removeFirst(count) }
                return Array(state.pending.prefix(count))
            }
            guard !batch.isEmpty else { return }
            var keys: [Key] = []
            var seen: Set<Key> = []
            for question in batch where seen.insert(question.key).inserted { keys.append(question.key) }
            do {
                let members = try await lookup(keys)
                for question in batch { question.continuation.resume(returning: members.contains(question.key)) }
            } catch {
                for question in batch { question.continuation.resume(throwing: error) }
            }
        }
    }
}
