import Foundation

/// What the console's Overview and `envoi stats` show, at one instant: usage against the limits,
/// the recent rate, connections, queue depth and delivery counts. A `Sendable` value published
/// several times a second.
public struct StatisticsSnapshot: Sendable, Equatable, Codable {
    public var time: Date
    public var limits: SendLimits
    /// Recipients accepted in the sliding minute and the rolling day.
    public var minuteUsage: Int
    public var dayUsage: Int
    /// Recipients accepted per minute over the last 60 minutes, oldest first.
    public var perMinuteHistory: [Int]
    /// Recipients per second over the last 10 seconds.
    public var ratePerSecond: Double
    /// Seconds until each limit is reached at the current rate; nil when the rate never reaches it.
    public var secondsToMinuteLimit: Double?
    public var secondsToDayLimit: Double?
    public var connections: [String: Int]
    public var queueDepth: Int
    public var totals: [String: Int]
    public var rejectedByReason: [String: Int]

    public init(time: Date, limits: SendLimits, minuteUsage: Int, dayUsage: Int, perMinuteHistory: [Int], ratePerSecond: Double,
                connections: [String: Int], queueDepth: Int, totals: [String: Int], rejectedByReason: [String: Int]) {
        self.time = time
        self.limits = limits
        self.minuteUsage = minuteUsage
        self.dayUsage = dayUsage
        self.perMinuteHistory = perMinuteHistory
        self.ratePerSecond = ratePerSecond
        self.connections = connections
        self.queueDepth = queueDepth
        self.totals = totals
        self.rejectedByReason = rejectedByReason
        (secondsToMinuteLimit, secondsToDayLimit) = Self.timeToLimits(
            minuteUsage: minuteUsage, dayUsage: dayUsage, ratePerSecond: ratePerSecond, limits: limits)
    }

    /// At a steady `ratePerSecond`, the sliding minute fills up to `rate × 60`: the per-minute
    /// limit is reached only when that is at least the limit, after `(limit − usage) / rate`
    /// seconds. The day limit is reached after `(limit − usage) / rate` seconds at any rate
    /// above zero. A limit already reached is 0.
    public static func timeToLimits(minuteUsage: Int, dayUsage: Int, ratePerSecond: Double,
                                    limits: SendLimits) -> (minute: Double?, day: Double?) {
        func eta(_ usage: Int, _ limit: Int) -> Double? {
            if usage >= limit { return 0 }
            return ratePerSecond > 0 ? Double(limit - usage) / ratePerSecond : nil
        }
        let minute = ratePerSecond * 60 >= Double(limits.messagesPerMinute) ? eta(minuteUsage, limits.messagesPerMinute)
            : (minuteUsage >= limits.messagesPerMinute ? 0 : nil)
        return (minute, eta(dayUsage, limits.messagesPerDay))
    }
}
