import EnvoiCore
import Foundation

/// The limit usage of every node sharing the database, as last read from it: what a node's live
/// statistics (the console, the limit gauges) show on PostgreSQL, where the queue writer keeps no
/// usage in memory because the other nodes charge the same limits. `refresh()` reads it (once a
/// second in `serve`); between reads the snapshot is at most that old.
public final class ClusterSendUsage: SendUsageSource {
    private let store: PostgresStore
    private let state = Locked<(window: SendRateWindow, second: Int64)>((SendRateWindow(), 0))

    public init(store: PostgresStore) {
        self.store = store
    }

    /// Reads the cluster's usage now.
    public func refresh() async throws {
        let read = try await store.sendRateWindow()
        state.withLock { $0 = read }
    }

    public func usageDetail(recentSeconds: Int64) -> (minute: Int, day: Int, history: [Int], recent: Int) {
        state.withLock { state in
            let second = state.second
            let (minute, day) = state.window.usage(at: second)
            return (minute, day, state.window.perMinuteHistory(at: second), state.window.recent(seconds: recentSeconds, at: second))
        }
    }
}
