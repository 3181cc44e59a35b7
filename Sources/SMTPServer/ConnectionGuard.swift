import EnvoiCore

/// Counts open connections, in all and per source address, and remembers authentication
/// failures per address (BEHAVIOUR.md §1: the connection limits and the auth-failure throttle).
/// Shared by every listener and session; one abusive address never locks out another.
final class ConnectionGuard: Sendable {
    private struct State {
        var total = 0
        var perAddress: [String: Int] = [:]
        var failures: [String: [ContinuousClock.Instant]] = [:]
    }

    private let state = Locked(State())
    private let maximumConnections: Int
    private let maximumPerAddress: Int
    private let failureLimit: Int
    private let failureWindow: Duration
    private let now: @Sendable () -> ContinuousClock.Instant

    init(maximumConnections: Int, maximumPerAddress: Int, failureLimit: Int, failureWindow: Duration,
         now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.maximumConnections = maximumConnections
        self.maximumPerAddress = maximumPerAddress
        self.failureLimit = failureLimit
        self.failureWindow = failureWindow
        self.now = now
    }

    /// Takes a connection slot for `address`; false when a limit is reached (nothing taken).
    func open(_ address: String) -> Bool {
        state.withLock { state in
            guard state.total < maximumConnections, state.perAddress[address, default: 0] < maximumPerAddress else { return false }
            state.total += 1
            state.perAddress[address, default: 0] += 1
            return true
        }
    }

    /// Gives back a slot taken by `open`.
    func close(_ address: String) {
        state.withLock { state in
            state.total -= 1
            let remaining = state.perAddress[address, default: 1] - 1
            state.perAddress[address] = remaining > 0 ? remaining : nil
        }
    }

    /// Open connections in all.
    var openConnections: Int { state.withLock { $0.total } }

    /// Records a failed AUTH or an unapproved sender from `address`.
    func recordFailure(_ address: String) {
        let instant = now()
        state.withLock { state in
            var recent = state.failures[address, default: []].filter { instant - $0 < failureWindow }
            recent.append(instant)
            state.failures[address] = recent
            if state.failures.count > 10_000 { prune(&state, at: instant) }
        }
    }

    /// True when `address` has used up its failures within the window: its next attempt, and any
    /// new connection, gets `421 Too many auth failures` until the window passes.
    func isThrottled(_ address: String) -> Bool {
        let instant = now()
        return state.withLock { state in
            state.failures[address, default: []].filter { instant - $0 < failureWindow }.count >= failureLimit
        }
    }

    /// Bounds the memory the failure records take: addresses whose failures all expired go.
    private func prune(_ state: inout State, at instant: ContinuousClock.Instant) {
        state.failures = state.failures.filter { _, times in times.contains { instant - $0 < failureWindow } }
    }
}
