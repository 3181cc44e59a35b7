// SQLite-only: the SQLite `QueueWriter`'s own in-memory usage windows and statistics, and `StatisticsFeed`; commits, limits and replays are in StoreContractTests.
import EnvoiCore
@testable import EnvoiStore
import Foundation
import Synchronization
import Testing

@Suite struct QueueWriterTests {
    func submission(_ f: StoreFixture, recipients: Int) -> QueuedMessage {
        let submission = Submission(submitter: Submitter(userId: f.bootstrap.adminUser.id), source: .smtp,
                                    envelopeSender: EmailAddress("a@example.com")!,
                                    recipients: (0..<recipients).map { EmailAddress("r\($0)@example.org")! },
                                    message: Array("From: a@example.com\r\n\r\nhi\r\n".utf8))
        return QueuedMessage(queueID: QueuedMessage.makeQueueID(), messageID: nil, submission: submission)
    }

    @Test func concurrentCommitsNeverExceedTheLimitTogether() async throws {
        let f = try StoreFixture()
        _ = try f.store.setLimits(messagesPerMinute: 37, messagesPerDay: 1_000)
        let statistics = ServiceStatistics()
        let writer = try QueueWriter(store: f.store, statistics: statistics)
        let messages = (0..<60).map { submission(f, recipients: $0 % 2 + 1) }
        let results = try await withThrowingTaskGroup(of: SubmissionResult.self) { group in
            group.addTask { await writer.run(); return .refused(.storageFailure) }
            var results: [SubmissionResult] = []
            await withTaskGroup(of: SubmissionResult.self) { commits in
                for message in messages { commits.addTask { await writer.commit(message) } }
                for await result in commits { results.append(result) }
            }
            writer.finish()
            _ = try await group.next()
            return results
        }
        let accepted = results.compactMap { result -> Int? in if case .queued = result { return 1 } else { return nil } }.count
        let refused = results.filter { $0 == .refused(.limitReached(.perMinute(limit: 37))) }.count
        #expect(accepted + refused == 60)
        let queued = try f.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM queue_entry")! }
        #expect(queued <= 37 && queued >= 36, "accepted recipients fill the limit without passing it")
        #expect(writer.usage().minute == queued)
        #expect(statistics.total(.accepted) == queued)
        #expect(statistics.queueDepth == queued)
    }

    @Test func usageSurvivesARestart() async throws {
        let start = Date()
        let f = try StoreFixture(now: { start })
        let first = try QueueWriter(store: f.store)
        async let running: Void = first.run()
        for _ in 0..<3 { _ = await first.commit(submission(f, recipients: 2)) }
        first.finish()
        await running
        #expect(first.usage() == (6, 6))
        let second = try QueueWriter(store: f.store)
        #expect(second.usage() == (6, 6))
        #expect(second.usageDetail(recentSeconds: 10).recent == 6)
    }
}

@Suite struct StatisticsFeedTests {
    @Test func theFeedPublishesFreshSnapshotsOfUsageAndCounters() async throws {
        let f = try StoreFixture()
        let statistics = ServiceStatistics()
        let writer = try QueueWriter(store: f.store, statistics: statistics)
        let limits = try f.store.limits()
        let feed = StatisticsFeed(store: f.store, writer: writer, statistics: statistics, limits: { limits })
        var updates = feed.updates(every: .milliseconds(5)).makeAsyncIterator()
        let before = try #require(await updates.next())
        #expect(before.minuteUsage == 0 && before.perMinuteHistory.count == 60 && before.limits == limits)
        async let running: Void = writer.run()
        let submission = Submission(submitter: Submitter(userId: f.bootstrap.adminUser.id), source: .smtp,
                                    envelopeSender: EmailAddress("a@example.com")!,
                                    recipients: [EmailAddress("r1@example.org")!, EmailAddress("r2@example.org")!],
                                    message: Array("From: a@example.com\r\n\r\nhi\r\n".utf8))
        _ = await writer.commit(QueuedMessage(queueID: QueuedMessage.makeQueueID(), messageID: nil, submission: submission))
        writer.finish()
        await running
        let after = try #require(await updates.next())
        #expect(after.minuteUsage == 2 && after.dayUsage == 2 && after.queueDepth == 2)
        #expect(after.totals[ServiceStatistics.Event.accepted.rawValue] == 2)
        // The commit's minute is the last bucket, or the one before when a minute turned since.
        #expect(after.perMinuteHistory.suffix(2).reduce(0, +) == 2 && after.time >= before.time)
    }
}
