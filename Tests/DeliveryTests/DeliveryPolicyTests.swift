import Delivery
import Foundation
import Testing

@Suite struct RetryScheduleTests {
    let received = Date(timeIntervalSince1970: 1_800_000_000)
    let schedule = RetrySchedule(initialDelay: 300, factor: 2, maximumDelay: 3_600, maximumAge: 86_400, jitter: 0.2)

    @Test("delays grow by the factor up to the maximum, with jitter on top", arguments: [
        (1, 0.0, 300.0), (2, 0.0, 600.0), (3, 0.0, 1_200.0), (4, 0.0, 2_400.0), (5, 0.0, 3_600.0), (9, 0.0, 3_600.0),
        (1, 0.5, 330.0), (1, 0.999, 359.94),
    ])
    func delays(attempts: Int, random: Double, expected: Double) {
        let now = received.addingTimeInterval(10)
        guard case .retry(let at) = schedule.decision(afterAttempts: attempts, received: received, now: now, random: random) else {
            Issue.record("expected a retry")
            return
        }
        #expect(abs(at.timeIntervalSince(now) - expected) < 0.01)
    }

    @Test func pastTheMaximumAgeItExpires() {
        let lateNow = received.addingTimeInterval(86_400 - 100)
        #expect(schedule.decision(afterAttempts: 20, received: received, now: lateNow, random: 0) == .expire)
        #expect(schedule.decision(afterAttempts: 1, received: received, now: received.addingTimeInterval(86_400 - 400), random: 0)
                != .expire)
    }

    @Test func aTwoSecondScheduleForTests() {
        let fast = RetrySchedule(initialDelay: 2, factor: 1, maximumAge: 60, jitter: 0)
        #expect(fast.decision(afterAttempts: 3, received: received, now: received, random: 0.7) == .retry(at: received.addingTimeInterval(2)))
    }
}

@Suite struct DestinationConcurrencyTests {
    @Test func slowStartGrowsOnSuccessAndHalvesOnFailure() {
        var concurrency = DestinationConcurrency(initial: 2, maximum: 5)
        var started = [concurrency.start("mx.a"), concurrency.start("mx.a"), concurrency.start("mx.a")]
        #expect(started == [true, true, false], "a new destination starts with 2")
        let other = concurrency.start("mx.b")
        #expect(other, "destinations are independent")
        concurrency.finish("mx.a", succeeded: true)
        #expect(concurrency.window("mx.a") == 3)
        started = [concurrency.start("mx.a"), concurrency.start("mx.a"), concurrency.start("mx.a")]
        #expect(started == [true, true, false], "window 3 with 1 running: two more")
        for _ in 0..<3 { concurrency.finish("mx.a", succeeded: true) }
        #expect(concurrency.window("mx.a") == 5, "capped at the maximum")
        concurrency.finish("mx.b", succeeded: false)
        #expect(concurrency.window("mx.b") == 1)
        concurrency.finish("mx.b", succeeded: false)
        #expect(concurrency.window("mx.b") == 1, "never below one")
    }
}

@Suite struct DeliveryOutcomeTests {
    @Test("replies are classified by their first digit", arguments: [
        (250, "relayed"), (251, "relayed"), (421, "deferred"), (451, "deferred"), (452, "deferred"),
        (550, "bounced"), (553, "bounced"), (554, "bounced"),
    ])
    func classify(code: Int, kind: String) {
        let outcome = DeliveryOutcome.classify(code: code, status: "\(code) text")
        switch outcome {
        case .relayed: #expect(kind == "relayed")
        case .deferred: #expect(kind == "deferred")
        case .bounced: #expect(kind == "bounced")
        }
        #expect(outcome.status == "\(code) text")
    }
}
