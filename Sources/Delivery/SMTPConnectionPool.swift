import EnvoiCore

/// Idle SMTP sessions kept for the next message to the same host, as Postfix's connection cache
/// (`scache`) does: a session that has carried fewer than `maximumMessages` messages goes back
/// to the pool after a transaction; one idle longer than `idleTime` is ended with QUIT.
///
/// Time is read from the injected clock, so tests decide when a session has been idle too long.
/// The pool never blocks: its lock guards only the table, and QUITs are sent outside it.
public final class SMTPConnectionPool<C: Clock>: Sendable where C.Duration == Duration {
    /// The pool's named limits.
    public struct Limits: Sendable, Equatable {
        /// Messages one connection carries before it is closed (`delivery.connection_reuse_limit`);
        /// 1 turns reuse off.
        public var maximumMessages: Int
        /// How long an idle connection is kept (`delivery.connection_idle_time`); receivers close
        /// idle sessions themselves after a few minutes (RFC 5321 §4.5.3.2.7), so keep it short.
        public var idleTime: Duration
        /// Idle connections kept in all, so that a burst toward many hosts leaves no pile of
        /// sockets behind.
        public var maximumIdle: Int

        /// How long a QUIT may take before the connection is dropped instead.
        public var quitTime: Duration

        public init(maximumMessages: Int = 100, idleTime: Duration = .seconds(5), maximumIdle: Int = 100,
                    quitTime: Duration = .seconds(2)) {
            self.quitTime = quitTime
            self.maximumMessages = max(1, maximumMessages)
            self.idleTime = idleTime
            self.maximumIdle = max(0, maximumIdle)
        }
    }

    /// A session taken from the pool and the number of messages it has carried.
    public struct Lease: Sendable {
        public let session: any SMTPSession
        public let messages: Int
    }

    private struct Idle: Sendable {
        let session: any SMTPSession
        let messages: Int
        let since: C.Instant
    }

    public let limits: Limits
    private let clock: C
    private let idle = Locked<[String: [Idle]]>([:])

    public init(limits: Limits = Limits(), clock: C) {
        self.limits = limits
        self.clock = clock
    }

    /// The most recently used live idle session for `key`, if any; stale ones met on the way are
    /// ended.
    public func checkOut(_ key: String) async -> Lease? {
        let now = clock.now
        let (found, stale): (Idle?, [Idle]) = idle.withLock { table in
            var stale: [Idle] = []
            var found: Idle?
            while let candidate = table[key]?.popLast() {
                if candidate.session.isOpen && candidate.since.duration(to: now) < limits.idleTime {
                    found = candidate
                    break
                }
                stale.append(candidate)
            }
            if table[key]?.isEmpty == true { table[key] = nil }
            return (found, stale)
        }
        await end(stale)
        return found.map { Lease(session: $0.session, messages: $0.messages) }
    }

    /// Gives a session back after it carried `messages` messages in all: kept when it is alive
    /// and under the limits, ended otherwise.
    public func checkIn(_ session: any SMTPSession, key: String, messages: Int) async {
        guard session.isOpen else { return session.close() }
        let now = clock.now
        let kept = messages < limits.maximumMessages && idle.withLock { table in
            guard table.values.reduce(0, { $0 + $1.count }) < limits.maximumIdle else { return false }
            table[key, default: []].append(Idle(session: session, messages: messages, since: now))
            return true
        }
        if !kept { await end([session]) }
    }

    /// Ends every session idle for `idleTime` or more, or already closed; returns how many.
    @discardableResult
    public func closeExpired() async -> Int {
        let now = clock.now
        let expired: [Idle] = idle.withLock { table in
            var expired: [Idle] = []
            for key in Array(table.keys) {
                let (keep, drop) = table[key, default: []].partitioned { $0.session.isOpen && $0.since.duration(to: now) < limits.idleTime }
                expired += drop
                table[key] = keep.isEmpty ? nil : keep
            }
            return expired
        }
        await end(expired)
        return expired.count
    }

    /// Ends every idle session (at shutdown).
    public func closeAll() async {
        let all = idle.withLock { table in
            defer { table = [:] }
            return table.values.flatMap { $0 }
        }
        await end(all)
    }

    /// Idle sessions held now.
    public var idleCount: Int { idle.withLock { $0.values.reduce(0) { $0 + $1.count } } }

    /// Sweeps expired sessions once a second until the task is cancelled, then ends the rest.
    public func run(until stop: @Sendable () -> Bool) async {
        while !stop() && !Task.isCancelled {
            try? await clock.sleep(for: .seconds(1))
            await closeExpired()
        }
        await closeAll()
    }

    private func end(_ sessions: [Idle]) async {
        await end(sessions.map(\.session))
    }

    /// QUITs each session, all at once, and drops any that has not closed within `quitTime`.
    private func end(_ sessions: [any SMTPSession]) async {
        guard !sessions.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            for session in sessions {
                guard session.isOpen else {
                    session.close()
                    continue
                }
                group.addTask {
                    await withTaskGroup(of: Void.self) { race in
                        race.addTask { await session.quit() }
                        race.addTask { [clock = self.clock, quitTime = self.limits.quitTime] in
                            if (try? await clock.sleep(for: quitTime)) != nil { session.close() }
                        }
                        await race.next()
                        race.cancelAll()
                    }
                }
            }
        }
    }
}

extension Array {
    /// The elements that satisfy `belongs`, and the others, each in order.
    fileprivate func partitioned(by belongs: (Element) -> Bool) -> ([Element], [Element]) {
        var yes: [Element] = []
        var no: [Element] = []
        for element in self {
            if belongs(element) { yes.append(element) } else { no.append(element) }
        }
        return (yes, no)
    }
}
