import EnvoiCore

/// The per-API-key request rate (BEHAVIOUR.md §2: `429 TooManyRequests`, distinct from the send
/// limits): a token bucket per key id holding at most one second's worth of requests, refilled
/// continuously. Time is injected (seconds on a monotonic clock) so tests need no sleeping.
final class RequestRateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }

    private let rate: Double
    private let now: @Sendable () -> Double
    private let buckets = Locked<[String: Bucket]>([:])
    /// Keys remembered at most; beyond, full (idle) buckets are forgotten.
    static let maximumKeys = 10_000

    /// - Parameters:
    ///   - requestsPerSecond: the sustained rate and the burst allowed per key.
    ///   - now: seconds on a monotonic clock.
    init(requestsPerSecond: Int, now: @escaping @Sendable () -> Double = RequestRateLimiter.monotonicSeconds) {
        self.rate = Double(max(1, requestsPerSecond))
        self.now = now
    }

    /// Takes one token for `key`; false when the key is over its rate.
    func admit(_ key: String) -> Bool {
        let time = now()
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: rate, updated: time)
            bucket.tokens = min(rate, bucket.tokens + max(0, time - bucket.updated) * rate)
            bucket.updated = time
            let admitted = bucket.tokens >= 1
            if admitted { bucket.tokens -= 1 }
            if buckets.count >= Self.maximumKeys, buckets[key] == nil {
                buckets = buckets.filter { time - $0.value.updated < 1 }
            }
            buckets[key] = bucket
            return admitted
        }
    }

    @Sendable static func monotonicSeconds() -> Double {
        let since = ContinuousClock().now - epoch
        return Double(since.components.seconds) + Double(since.components.attoseconds) / 1e18
    }

    private static let epoch = ContinuousClock().now
}
