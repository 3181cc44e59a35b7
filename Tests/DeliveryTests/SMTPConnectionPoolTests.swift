import Delivery
import SMTPProtocol
import EnvoiCore
import Testing

/// A clock that moves only when told: idle times are decided without sleeping.
final class ManualClock: Clock, Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Locked(Instant(offset: .zero))
    var now: Instant { current.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func advance(by duration: Duration) { current.withLock { $0 = $0.advanced(by: duration) } }

    /// Sleeping is not what these tests do; it returns at once when the time has come and
    /// throws otherwise, so that a test that sleeps by mistake fails instead of hanging.
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        if deadline > now { throw CancellationError() }
    }
}

/// A session that counts its QUITs.
final class CountingSession: SMTPSession {
    let open = Locked(true)
    let quits = Locked(0)
    var isOpen: Bool { open.withLock { $0 } }
    func deliver(_ message: SMTPClientMessage) async throws -> SMTPDeliveryResult {
        SMTPDeliveryResult(notSent: message, error: .notReady)
    }
    func quit() async {
        quits.withLock { $0 += 1 }
        close()
    }
    func close() { open.withLock { $0 = false } }
}

@Suite struct SMTPConnectionPoolTests {
    let clock = ManualClock()

    func pool(maximumMessages: Int = 3, idle: Int = 5, maximumIdle: Int = 10) -> SMTPConnectionPool<ManualClock> {
        SMTPConnectionPool(limits: .init(maximumMessages: maximumMessages, idleTime: .seconds(idle), maximumIdle: maximumIdle), clock: clock)
    }

    @Test("a session given back is handed out again for the same key only, with its message count")
    func reuse() async {
        let pool = pool()
        let session = CountingSession()
        await pool.checkIn(session, key: "a", messages: 1)
        #expect(await pool.checkOut("b") == nil)
        let lease = await pool.checkOut("a")
        #expect(lease?.session as? CountingSession === session)
        #expect(lease?.messages == 1)
        #expect(await pool.checkOut("a") == nil, "a lease is exclusive")
    }

    @Test("a session that carried the maximum number of messages is ended with QUIT, not pooled")
    func messageLimit() async {
        let pool = pool(maximumMessages: 3)
        let session = CountingSession()
        await pool.checkIn(session, key: "a", messages: 3)
        #expect(session.quits.withLock { $0 } == 1)
        #expect(pool.idleCount == 0)
    }

    @Test("a session idle for the idle time is ended, whether met by checkOut or by the sweep")
    func idleTime() async {
        let pool = pool(idle: 5)
        let first = CountingSession()
        let second = CountingSession()
        await pool.checkIn(first, key: "a", messages: 1)
        await pool.checkIn(second, key: "b", messages: 1)
        clock.advance(by: .seconds(4))
        #expect(await pool.closeExpired() == 0)
        clock.advance(by: .seconds(1))
        #expect(await pool.checkOut("a") == nil)
        #expect(first.quits.withLock { $0 } == 1)
        #expect(await pool.closeExpired() == 1)
        #expect(second.quits.withLock { $0 } == 1)
        #expect(pool.idleCount == 0)
    }

    @Test("a closed session is neither pooled nor handed out; the pool holds at most maximumIdle")
    func closedAndBounded() async {
        let pool = pool(maximumIdle: 2)
        let closed = CountingSession()
        closed.close()
        await pool.checkIn(closed, key: "a", messages: 1)
        #expect(pool.idleCount == 0)
        let kept = [CountingSession(), CountingSession()]
        for session in kept { await pool.checkIn(session, key: "a", messages: 1) }
        let extra = CountingSession()
        await pool.checkIn(extra, key: "b", messages: 1)
        #expect(pool.idleCount == 2)
        #expect(extra.quits.withLock { $0 } == 1)
        kept[1].close()
        #expect(await pool.checkOut("a")?.session as? CountingSession === kept[0], "the dead one is skipped")
        await pool.closeAll()
        #expect(pool.idleCount == 0)
    }
}
