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

@Suite struct StatisticsTests {
    let t0: Int64 = 1_800_000_000

    @Test func historyListsTheLastSixtyMinutesOldestFirst() {
        var window = SendRateWindow()
        window.record(3, at: t0)            // minute m
        window.record(2, at: t0 + 61)       // minute m+1
        window.record(5, at: t0 + 125)      // minute m+2 (current)
        let history = window.perMinuteHistory(at: t0 + 130)
        #expect(history.count == 60)
        #expect(Array(history.suffix(3)) == [3, 2, 5])
        #expect(history.dropLast(3).allSatisfy { $0 == 0 })
        #expect(window.recent(seconds: 10, at: t0 + 130) == 5)
        #expect(window.recent(seconds: 3_600, at: t0 + 130) == 5, "the rate looks at most 60 s back")
    }

    let limits = SendLimits(messagesPerMinute: 600, messagesPerDay: 10_000, maxMessageSize: 1_048_576)

    @Test("time to the limits at the current rate", arguments: [
        // (minute usage, day usage, rate/s, minute ETA, day ETA)
        (0, 0, 0.0, nil as Double?, nil as Double?),
        (100, 1_000, 5.0, nil, 1_800.0),        // 5/s fills a minute to 300 < 600: never
        (300, 1_000, 20.0, 15.0, 450.0),         // 20/s → 1,200/min ≥ 600: (600−300)/20
        (600, 1_000, 1.0, 0.0, 9_000.0),         // already at the minute limit
        (10, 10_000, 1.0, nil, 0.0),             // already at the day limit
    ])
    func eta(minute: Int, day: Int, rate: Double, minuteETA: Double?, dayETA: Double?) {
        let (m, d) = StatisticsSnapshot.timeToLimits(minuteUsage: minute, dayUsage: day, ratePerSecond: rate, limits: limits)
        #expect(m == minuteETA)
        #expect(d == dayETA)
    }

    @Test func countersKeepTotalsAndReasons() {
        let statistics = ServiceStatistics()
        statistics.record(.accepted, count: 3)
        statistics.record(.rejected, reason: "limit_per_minute")
        statistics.record(.rejected, count: 2, reason: "too_large")
        statistics.record(.accepted, count: 0)
        #expect(statistics.total(.accepted) == 3)
        #expect(statistics.total(.rejected) == 3)
        #expect(statistics.rejectedByReason == ["limit_per_minute": 1, "too_large": 2])
        statistics.adjustQueueDepth(by: 5)
        statistics.adjustQueueDepth(by: -7)
        #expect(statistics.queueDepth == 0)
        statistics.setConnections(4, listener: "127.0.0.1:2525")
        #expect(statistics.connections == ["127.0.0.1:2525": 4])
    }
}
