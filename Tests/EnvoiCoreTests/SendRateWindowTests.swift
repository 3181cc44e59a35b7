import EnvoiCore
import Testing

@Suite struct SendRateWindowTests {
    let limits = SendLimits(messagesPerMinute: 10, messagesPerDay: 25, maxMessageSize: 1_048_576)
    let t0: Int64 = 1_800_000_000 // a whole minute

    @Test func theMinuteWindowSlidesBySeconds() {
        var window = SendRateWindow()
        window.record(6, at: t0)
        window.record(4, at: t0 + 30)
        #expect(window.usage(at: t0 + 30).minute == 10)
        #expect(window.refusal(adding: 1, at: t0 + 59, limits: limits) == .perMinute(limit: 10))
        // At t0+60 the 6 charged at t0 have left the window (t0+60−60 = t0 is outside (t, t+60]).
        #expect(window.usage(at: t0 + 60).minute == 4)
        #expect(window.refusal(adding: 6, at: t0 + 60, limits: limits) == nil)
        #expect(window.refusal(adding: 7, at: t0 + 60, limits: limits) == .perMinute(limit: 10))
        #expect(window.usage(at: t0 + 90).minute == 0)
    }

    @Test func exactlyTheLimitFitsAndOneMoreDoesNot() {
        var window = SendRateWindow()
        #expect(window.refusal(adding: 10, at: t0, limits: limits) == nil)
        #expect(window.refusal(adding: 11, at: t0, limits: limits) == .perMinute(limit: 10))
        window.record(10, at: t0)
        #expect(window.refusal(adding: 1, at: t0, limits: limits) == .perMinute(limit: 10))
    }

    @Test func theDayWindowRollsByMinutes() {
        var window = SendRateWindow()
        for hour in 0..<3 { window.record(8, at: t0 + Int64(hour) * 3_600) }
        #expect(window.usage(at: t0 + 7_200).day == 24)
        #expect(window.refusal(adding: 2, at: t0 + 7_300, limits: limits) == .perDay(limit: 25))
        #expect(window.refusal(adding: 1, at: t0 + 7_300, limits: limits) == nil)
        // The first charge leaves the day window 1,440 minutes after its minute began.
        #expect(window.usage(at: t0 + 86_399).day == 24)
        #expect(window.usage(at: t0 + 86_400).day == 16)
    }

    @Test func theDayLimitIsReportedWhenTheMinuteOneIsFine() {
        var window = SendRateWindow()
        window.record(10, at: t0)
        window.record(10, at: t0 + 120)
        #expect(window.refusal(adding: 6, at: t0 + 240, limits: limits) == .perDay(limit: 25))
    }

    @Test func aClockStepBackwardsForgetsNothing() {
        var window = SendRateWindow()
        window.record(5, at: t0 + 100)
        #expect(window.usage(at: t0 + 50).minute == 5)
        #expect(window.usage(at: t0 + 159).minute == 5)
        #expect(window.usage(at: t0 + 160).minute == 0)
    }

    @Test func rebuildingFromRecordedCountsGivesTheSameUsage() {
        var live = SendRateWindow()
        var charges: [(Int64, Int)] = []
        for step in 0..<50 {
            let at = t0 + Int64(step * 37)
            live.record(step % 3 + 1, at: at)
            charges.append((at, step % 3 + 1))
        }
        var rebuilt = SendRateWindow()
        for (at, count) in charges.shuffled() { rebuilt.record(count, at: at) }
        let now = t0 + 50 * 37
        #expect(rebuilt.usage(at: now) == live.usage(at: now))
    }
}
