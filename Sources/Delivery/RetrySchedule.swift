import Foundation

/// When a deferred recipient is tried again: exponential backoff with jitter, up to a maximum age
/// after which the recipient bounces as expired (Postfix's `maximal_queue_lifetime`; 3 days by
/// default here, configurable — RFC 5321 §4.5.4.1 suggests 4–5 days for an MTA).
public struct RetrySchedule: Sendable, Equatable {
    /// The delay before the second attempt (`delivery.retry_initial`).
    public var initialDelay: TimeInterval
    /// Each further delay is the previous one times this (`delivery.retry_factor`).
    public var factor: Double
    /// The longest single delay (so that retries stay frequent enough late in the message's life).
    public var maximumDelay: TimeInterval
    /// After this long in the queue a deferred recipient bounces (`delivery.max_age`).
    public var maximumAge: TimeInterval
    /// Up to this fraction of each delay is added at random, so that retries of many messages do
    /// not arrive at a recovering server all at once.
    public var jitter: Double

    public init(initialDelay: TimeInterval = 300, factor: Double = 2, maximumDelay: TimeInterval = 4 * 3_600,
                maximumAge: TimeInterval = 3 * 86_400, jitter: Double = 0.2) {
        self.initialDelay = initialDelay
        self.factor = factor
        self.maximumDelay = maximumDelay
        self.maximumAge = maximumAge
        self.jitter = jitter
    }

    /// What to do after the `attempts`-th attempt failed temporarily.
    public enum Decision: Sendable, Equatable {
        case retry(at: Date)
        case expire
    }

    /// - Parameters:
    ///   - attempts: attempts made so far, the failed one included (≥ 1).
    ///   - received: when the message entered the queue.
    ///   - random: a number in [0, 1) (injected so tests are exact).
    public func decision(afterAttempts attempts: Int, received: Date, now: Date, random: Double) -> Decision {
        let exponent = Double(max(attempts, 1) - 1)
        let base = min(initialDelay * pow(factor, exponent), maximumDelay)
        let next = now.addingTimeInterval(base * (1 + jitter * random))
        return next.timeIntervalSince(received) > maximumAge ? .expire : .retry(at: next)
    }
}
