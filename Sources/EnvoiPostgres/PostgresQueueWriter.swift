import EnvoiCore
import Foundation

/// The durable, group-committed queue writer on PostgreSQL: the SQLite `QueueWriter`'s semantics
/// and answers for a database that several nodes share.
///
/// Concurrent commits on this node wait while one batch is written, and the next batch takes all
/// of them in one transaction (EnvoiCore `GroupCommit`). The send limits are not kept in memory,
/// as the SQLite writer keeps them: another node charges them too, so each batch re-reads the
/// limits and every node's usage in its transaction, under the tenancy row's lock, in arrival
/// order (`PostgresStore.commitBatch`) — all nodes together never accept more than a limit.
/// Each batch therefore waits for the batches of the other nodes: group commit keeps that wait
/// to one per batch, not one per message.
public final class PostgresQueueWriter: Sendable {
    let store: PostgresStore
    let enforcesLimits: Bool
    private let group: GroupCommit
    /// When this writer last purged old usage and ledger rows (whole seconds); once a minute.
    private let lastPurge = Locked<Int64>(0)
    /// The intake's suppression lookups, batched: one query per batch, not one per recipient.
    let suppressions: BatchedLookup<String>

    /// A writer over `store`, whose client must be running.
    /// - Parameter enforcesLimits: false counts usage but refuses nothing, as in SQLite.
    public init(store: PostgresStore, statistics: ServiceStatistics = ServiceStatistics(), enforcesLimits: Bool = true) {
        self.store = store
        self.enforcesLimits = enforcesLimits
        group = GroupCommit(statistics: statistics)
        suppressions = BatchedLookup { [store] addresses in try await store.suppressed(among: addresses) }
    }

    /// Commits `message`; returns once it is committed in the database (or refused).
    public func commit(_ message: QueuedMessage) async -> SubmissionResult {
        await group.commit(message)
    }

    /// Writes batches until `finish()` is called and every pending submission is written.
    public func run() async {
        await group.run { messages in
            let time = store.now()
            let second = Int64(time.timeIntervalSince1970)
            let purge = lastPurge.withLock { last -> Bool in
                guard second - last >= 60 else { return false }
                last = second
                return true
            }
            return try await store.commitBatch(messages, at: time, enforcesLimits: enforcesLimits, purge: purge)
        }
    }

    /// Stops taking submissions; `run()` returns once those already taken are written.
    public func finish() {
        group.finish()
    }
}
