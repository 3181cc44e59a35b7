import CoreMetrics

/// The service's counters, kept twice: in process (read by the live snapshot the console and
/// `envoi stats` show) and through swift-metrics (exported to Prometheus when a backend is
/// bootstrapped). One call site per event updates both, so the two can never disagree.
public final class ServiceStatistics: Sendable {
    /// What is counted, with its metric name.
    public enum Event: String, Sendable, CaseIterable {
        /// Recipients accepted into the queue.
        case accepted = "envoi_recipients_accepted_total"
        /// Recipients dropped because they are suppressed (never sent to).
        case suppressed = "envoi_recipients_suppressed_total"
        /// Commands or messages refused, by reason.
        case rejected = "envoi_rejected_total"
        /// Recipients delivered to the next hop.
        case relayed = "envoi_recipients_relayed_total"
        /// Delivery attempts that got a transient failure.
        case deferred = "envoi_recipients_deferred_total"
        /// Recipients bounced (hard: 5xx; soft: too many 4xx or expired).
        case bouncedHard = "envoi_recipients_bounced_hard_total"
        case bouncedSoft = "envoi_recipients_bounced_soft_total"
        /// Complaints (ARF feedback reports).
        case complaints = "envoi_complaints_total"
        /// Failed AUTHs and unapproved senders (the auth-failure throttle's input).
        case authFailures = "envoi_auth_failures_total"
    }

    private struct State {
        var totals: [Event: Int] = [:]
        var rejectedByReason: [String: Int] = [:]
        var connections: [String: Int] = [:]
        var queueDepth = 0
    }

    private let state = Locked(State())
    private let factory: (any MetricsFactory)?

    /// - Parameter factory: the swift-metrics backend (Prometheus in `envoi serve`); nil keeps the
    ///   counts in process only (tests, CLI).
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    /// Counts `count` occurrences of `event`; `reason` labels rejections.
    public func record(_ event: Event, count: Int = 1, reason: String? = nil) {
        guard count > 0 else { return }
        state.withLock { state in
            state.totals[event, default: 0] += count
            if let reason { state.rejectedByReason[reason, default: 0] += count }
        }
        let dimensions = reason.map { [("reason", $0)] } ?? []
        factory?.makeCounter(label: event.rawValue, dimensions: dimensions).increment(by: Int64(count))
    }

    /// The count of `event` since the process started.
    public func total(_ event: Event) -> Int { state.withLock { $0.totals[event, default: 0] } }

    /// Rejections by reason since the process started.
    public var rejectedByReason: [String: Int] { state.withLock { $0.rejectedByReason } }

    /// Sets the open connections of one listener (labelled by its address).
    public func setConnections(_ count: Int, listener: String) {
        state.withLock { $0.connections[listener] = count }
        factory?.makeRecorder(label: "envoi_open_connections", dimensions: [("listener", listener)], aggregate: false).record(Int64(count))
    }

    /// Open connections per listener.
    public var connections: [String: Int] { state.withLock { $0.connections } }

    /// Adjusts the number of queue entries waiting for delivery.
    public func adjustQueueDepth(by delta: Int) {
        let depth = state.withLock { state -> Int in
            state.queueDepth = max(0, state.queueDepth + delta)
            return state.queueDepth
        }
        factory?.makeRecorder(label: "envoi_queue_depth", dimensions: [], aggregate: false).record(Int64(depth))
    }

    /// Queue entries waiting for delivery.
    public var queueDepth: Int { state.withLock { $0.queueDepth } }

    /// Publishes the send-limit usage and limits as gauges.
    public func publishLimitUsage(minute: Int, day: Int, limits: SendLimits) {
        guard let factory else { return }
        factory.makeRecorder(label: "envoi_limit_usage", dimensions: [("window", "minute")], aggregate: false).record(Int64(minute))
        factory.makeRecorder(label: "envoi_limit_usage", dimensions: [("window", "day")], aggregate: false).record(Int64(day))
        factory.makeRecorder(label: "envoi_limit", dimensions: [("window", "minute")], aggregate: false).record(Int64(limits.messagesPerMinute))
        factory.makeRecorder(label: "envoi_limit", dimensions: [("window", "day")], aggregate: false).record(Int64(limits.messagesPerDay))
    }
}
