import EnvoiCore
import Foundation
import GRDB

/// Builds `StatisticsSnapshot`s: in process from the live counters and the queue writer's windows
/// (the console asks several times a second), or from the database alone (`envoi stats`, another
/// process: usage from the persisted per-second counts, totals from the last day's events).
///
/// The live snapshot's counters are this process's own; its limit usage is what `usage` says:
/// the queue writer's on SQLite, the whole cluster's on a shared PostgreSQL database.
public struct StatisticsFeed: Sendable {
    private let usage: any SendUsageSource
    private let statistics: ServiceStatistics
    private let limits: @Sendable () -> SendLimits
    private let now: @Sendable () -> Date

    /// The rate is measured over this many seconds.
    public static let rateWindowSeconds: Int64 = 10

    /// - Parameter limits: the tenancy's limits as last read (the live snapshot does no I/O).
    /// - Parameter now: the store's clock, which stamps the snapshot.
    public init(usage: any SendUsageSource, statistics: ServiceStatistics, limits: @escaping @Sendable () -> SendLimits,
                now: @escaping @Sendable () -> Date) {
        self.usage = usage
        self.statistics = statistics
        self.limits = limits
        self.now = now
    }

    /// The live feed of the SQLite store's queue writer.
    public init(store: ControlPlaneStore, writer: QueueWriter, statistics: ServiceStatistics, limits: @escaping @Sendable () -> SendLimits) {
        self.init(usage: writer, statistics: statistics, limits: limits, now: store.now)
    }

    /// The live snapshot, without I/O; also refreshes the limit gauges exported to Prometheus.
    public func snapshot() -> StatisticsSnapshot {
        let limits = self.limits()
        let usage = usage.usageDetail(recentSeconds: Self.rateWindowSeconds)
        statistics.publishLimitUsage(minute: usage.minute, day: usage.day, limits: limits)
        let totals = Dictionary(uniqueKeysWithValues: ServiceStatistics.Event.allCases.map { ($0.rawValue, statistics.total($0)) })
        return StatisticsSnapshot(time: now(), limits: limits, minuteUsage: usage.minute, dayUsage: usage.day,
                                  perMinuteHistory: usage.history, ratePerSecond: Double(usage.recent) / Double(Self.rateWindowSeconds),
                                  connections: statistics.connections, queueDepth: statistics.queueDepth, totals: totals,
                                  rejectedByReason: statistics.rejectedByReason)
    }

    /// The live feed: a new snapshot every `interval` (the console asks for 250 ms: 4 a second),
    /// computed when the consumer asks for it, so a slow consumer never builds a backlog.
    public func updates(every interval: Duration = .milliseconds(250)) -> AsyncStream<StatisticsSnapshot> {
        var first = true
        return AsyncStream(unfolding: {
            if !first {
                do { try await Task.sleep(for: interval) } catch { return nil }
            }
            first = false
            return snapshot()
        })
    }

    /// A snapshot from the database alone, for a process that does not serve.
    public static func persistedSnapshot(_ store: ControlPlaneStore) throws -> StatisticsSnapshot {
        let time = store.now()
        let now = Int64(time.timeIntervalSince1970)
        return try store.read { db in
            let limits = try ControlPlaneStore.tenancy(db).limits
            var window = try QueueWriter.persistedWindow(db, now: now)
            let (minute, day) = window.usage(at: now)
            let recent = window.recent(seconds: rateWindowSeconds, at: now)
            var totals: [String: Int] = [:]
            let rows = try Row.fetchAll(db, sql: "SELECT type, COUNT(*) AS n FROM event WHERE time >= ? GROUP BY type",
                                        arguments: [time.addingTimeInterval(-86_400)])
            for row in rows { totals["events_last_day_" + (row["type"] as String)] = row["n"] }
            return StatisticsSnapshot(time: time, limits: limits, minuteUsage: minute, dayUsage: day,
                                      perMinuteHistory: window.perMinuteHistory(at: now),
                                      ratePerSecond: Double(recent) / Double(rateWindowSeconds), connections: [:],
                                      queueDepth: try QueueWriter.queueDepth(db), totals: totals, rejectedByReason: [:])
        }
    }
}
