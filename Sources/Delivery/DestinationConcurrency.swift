/// How many deliveries may run at once toward one destination (a relay host, or a recipient
/// domain in direct mode): Postfix's slow start — a new destination gets a small window that
/// grows by one with every success up to the maximum, and is halved by a failure (never below
/// one), so that a struggling receiver is not hammered.
public struct DestinationConcurrency: Sendable, Equatable {
    public let initial: Int
    public let maximum: Int
    private var windows: [String: Int] = [:]
    private var running: [String: Int] = [:]

    public init(initial: Int = 2, maximum: Int = 20) {
        self.initial = max(1, initial)
        self.maximum = max(self.initial, maximum)
    }

    /// The current window of `destination`.
    public func window(_ destination: String) -> Int { windows[destination] ?? initial }

    /// Deliveries running toward `destination`.
    public func runningCount(_ destination: String) -> Int { running[destination] ?? 0 }

    /// Takes a slot for `destination`; false when its window is full.
    public mutating func start(_ destination: String) -> Bool {
        guard runningCount(destination) < window(destination) else { return false }
        running[destination, default: 0] += 1
        return true
    }

    /// Gives the slot back and adjusts the window: success grows it, failure halves it.
    public mutating func finish(_ destination: String, succeeded: Bool) {
        running[destination] = max(0, runningCount(destination) - 1)
        let current = window(destination)
        windows[destination] = succeeded ? min(maximum, current + 1) : max(1, current / 2)
    }
}
