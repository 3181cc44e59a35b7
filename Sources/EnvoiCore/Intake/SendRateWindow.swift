/// Counts accepted recipients over the two windows of the send limits (BEHAVIOUR.md §1, §3):
///
/// - per minute: a sliding 60-second window, in one-second steps — at time t it holds what was
///   accepted in the seconds (t−60, t];
/// - per day: a rolling 24 hours, in one-minute steps — at time t it holds what was accepted in
///   the 1,440 minutes ending with t's minute (so up to 59 s more than 24 h).
///
/// Pure and clock-free: every method takes the time as whole seconds since the epoch, so tests
/// drive it with a manual clock and the store rebuilds it after a restart from persisted counts.
public struct SendRateWindow: Sendable, Equatable {
    private var seconds: [Int64: Int] = [:]
    private var minutes: [Int64: Int] = [:]
    private var minuteTotal = 0
    private var dayTotal = 0
    private var lastSecond: Int64 = .min

    public static let minuteSpan: Int64 = 60
    public static let dayMinutes: Int64 = 1_440

    public init() {}

    /// Usage at `now`: recipients accepted in the last minute and in the last day.
    public mutating func usage(at now: Int64) -> (minute: Int, day: Int) {
        advance(to: now)
        return (minuteTotal, dayTotal)
    }

    /// Recipients accepted in each of the last `count` whole minutes, oldest first, the current
    /// (partial) minute last: the console's sparkline.
    public mutating func perMinuteHistory(at now: Int64, count: Int = 60) -> [Int] {
        advance(to: now)
        let current = Self.minute(of: now)
        return (0..<Int64(count)).reversed().map { minutes[current - $0, default: 0] }
    }

    /// Recipients accepted in the last `seconds` seconds (at most 60): the current rate.
    public mutating func recent(seconds: Int64, at now: Int64) -> Int {
        advance(to: now)
        return self.seconds.filter { $0.key > now - min(seconds, Self.minuteSpan) }.values.reduce(0, +)
    }

    /// Whether `count` more recipients fit under `limits` at `now`; nil when they do.
    public mutating func refusal(adding count: Int, at now: Int64, limits: SendLimits) -> LimitRefusal? {
        advance(to: now)
        return limits.refusal(adding: count, minuteUsage: minuteTotal, dayUsage: dayTotal)
    }

    /// Charges `count` recipients at `now`.
    public mutating func record(_ count: Int, at now: Int64) {
        guard count > 0 else { return }
        advance(to: now)
        // A charge older than the latest time seen (a restart replaying history) counts only in
        // the windows that still cover it.
        if now > lastSecond - Self.minuteSpan {
            seconds[now, default: 0] += count
            minuteTotal += count
        }
        if Self.minute(of: now) > Self.minute(of: lastSecond) - Self.dayMinutes {
            minutes[Self.minute(of: now), default: 0] += count
            dayTotal += count
        }
    }

    /// Drops what has left the windows. Time never runs backwards here: an earlier `now` (a clock
    /// step) is treated as the latest time seen, so nothing is forgotten early.
    private mutating func advance(to now: Int64) {
        guard now > lastSecond else { return }
        lastSecond = now
        for (second, count) in seconds where second < Self.minuteStart(at: now) {
            minuteTotal -= count
            seconds[second] = nil
        }
        let firstMinute = Self.minute(of: Self.dayStart(at: now))
        for (minute, count) in minutes where minute < firstMinute {
            dayTotal -= count
            minutes[minute] = nil
        }
    }

    /// The first second the per-minute window counts at `now`: it holds the seconds (now−60, now].
    /// A store that sums persisted usage itself (PostgreSQL, shared by several nodes) uses these
    /// bounds, so that both stores refuse at the same count.
    public static func minuteStart(at now: Int64) -> Int64 { now - minuteSpan + 1 }

    /// The first second the per-day window counts at `now`: the start of the first of the 1,440
    /// minutes ending with `now`'s minute.
    public static func dayStart(at now: Int64) -> Int64 { (minute(of: now) - dayMinutes + 1) * 60 }

    static func minute(of second: Int64) -> Int64 { second >= 0 ? second / 60 : (second - 59) / 60 }
}

extension SendLimits {
    /// Whether `count` more recipients fit, given the recipients already accepted in the minute
    /// and day windows; nil when they do. The per-minute limit is named first when both are hit.
    public func refusal(adding count: Int, minuteUsage: Int, dayUsage: Int) -> LimitRefusal? {
        if minuteUsage + count > messagesPerMinute { return .perMinute(limit: messagesPerMinute) }
        if dayUsage + count > messagesPerDay { return .perDay(limit: messagesPerDay) }
        return nil
    }
}

/// Which send limit a submission would exceed.
public enum LimitRefusal: Sendable, Equatable {
    case perMinute(limit: Int)
    case perDay(limit: Int)
}

/// Where a live statistics snapshot reads the limit usage from: the SQLite queue writer's own
/// windows (it charges every acceptance), or, on a shared PostgreSQL database, the cluster's
/// usage as last read from it (every node charges it).
public protocol SendUsageSource: Sendable {
    /// Usage of the minute and the day, the 60-minute history and the recipients of the last
    /// `recentSeconds`, in one look, without I/O.
    func usageDetail(recentSeconds: Int64) -> (minute: Int, day: Int, history: [Int], recent: Int)
}
