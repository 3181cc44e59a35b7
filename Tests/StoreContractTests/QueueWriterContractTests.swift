import Crypto
import EnvoiCore
import EnvoiPostgres
import Foundation
import PostgresNIO
import Testing

/// The intake's commit through each backend's queue writer: the same answers and queue on every
/// backend, and, on PostgreSQL, limits that hold when several nodes share the database. Bounded in
/// time: a writer that never answered would otherwise hang the run.
@Suite(.timeLimit(.minutes(1))) struct QueueWriterContractTests {
    @Test(arguments: StoreBackend.allCases)
    func aCommittedMessageIsClaimableWithItsRecipients(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            let message = store.contractMessage(recipients: ["x@example.org", "y@example.org"])
            var result: SubmissionResult?
            try await store.withWriter { commit in result = await commit(message) }
            #expect(result == .queued(id: message.queueID, messageId: ContractMessage.messageID))
            let jobs = try await store.queue.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60)
            #expect(jobs.map(\.queueID) == [message.queueID])
            #expect(Set(jobs.flatMap(\.recipients)) == ["x@example.org", "y@example.org"])
            #expect(jobs.first?.body == ContractMessage.body && jobs.first?.envelopeSender == "a@example.com")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aReplayedSubmissionGetsTheFirstAnswerAndQueuesNothing(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            let replay = SubmissionReplay(key: "m1@example.com", response: #"{"envelopeId":"first"}"#)
            let first = store.contractMessage(recipients: ["x@example.org"], replay: replay)
            let retry = store.contractMessage(recipients: ["x@example.org"], replay: SubmissionReplay(key: replay.key, response: "second"))
            var results: [SubmissionResult] = []
            try await store.withWriter { commit in
                results.append(await commit(first))
                results.append(await commit(retry))
            }
            #expect(results == [.queued(id: first.queueID, messageId: ContractMessage.messageID), .replayed(response: replay.response)])
            #expect(try await DeliveryQueueContractTests.drain(store, now: clock.now()) == ["\(first.queueID)/x@example.org"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentCommitsOverThePerMinuteLimitAcceptExactlyTheLimit(backend: StoreBackend) async throws {
        let clock = TestClock(step: 0)
        try await backend.withStore(clock: clock) { store in
            try await store.setPerMinuteLimit(7)
            var results: [SubmissionResult] = []
            try await store.withWriter { commit in
                results = await Self.commitConcurrently(20, through: [commit], store: store)
            }
            #expect(Self.queuedCount(results) == 7)
            #expect(results.filter { $0 == .refused(.limitReached(.perMinute(limit: 7))) }.count == 13)
            #expect(try await DeliveryQueueContractTests.drain(store, now: clock.now()).count == 7)
        }
    }

    /// The limit counts recipients: messages of one and two recipients committed at once fill it
    /// without passing it (a message that would pass it is refused whole).
    @Test(arguments: StoreBackend.allCases)
    func concurrentMessagesOfSeveralRecipientsNeverPassTheLimitTogether(backend: StoreBackend) async throws {
        let clock = TestClock(step: 0)
        try await backend.withStore(clock: clock) { store in
            try await store.setPerMinuteLimit(9)
            var results: [SubmissionResult] = []
            try await store.withWriter { commit in
                results = await withTaskGroup(of: SubmissionResult.self) { group in
                    for index in 0..<12 {
                        let message = store.contractMessage(recipients: (0...(index % 2)).map { "r\(index)-\($0)@example.org" })
                        group.addTask { await commit(message) }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
            }
            let refused = results.filter { $0 == .refused(.limitReached(.perMinute(limit: 9))) }.count
            #expect(Self.queuedCount(results) + refused == 12)
            let claimed = try await DeliveryQueueContractTests.drain(store, now: clock.now()).count
            #expect(claimed <= 9 && claimed >= 8, "accepted recipients fill the limit without passing it: \(claimed)")
        }
    }

    /// A client that retried at once (or from two connections): one message is queued, every
    /// retry gets the first attempt's answer, and the retries are not charged to the limit.
    @Test(arguments: StoreBackend.allCases)
    func concurrentRetriesOfOneSubmissionQueueItOnceAndAllGetTheFirstAnswer(backend: StoreBackend) async throws {
        let clock = TestClock(step: 0)
        try await backend.withStore(clock: clock) { store in
            try await store.setPerMinuteLimit(3)
            let attempts = (0..<12).map { attempt in
                store.contractMessage(recipients: ["x@example.org", "y@example.org"],
                                      replay: SubmissionReplay(key: "retry@example.com", response: "answer \(attempt)"))
            }
            var results: [SubmissionResult] = []
            var after: SubmissionResult?
            try await store.withWriter { commit in
                results = await withTaskGroup(of: SubmissionResult.self) { group in
                    for attempt in attempts { group.addTask { await commit(attempt) } }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                after = await commit(store.contractMessage(recipients: ["z@example.org"]))
            }
            let queued = results.compactMap { if case .queued(let id, _) = $0 { id } else { nil } }
            #expect(queued.count == 1)
            let winner = attempts.firstIndex { $0.queueID == queued.first }
            #expect(results.filter { $0 == .replayed(response: "answer \(winner ?? -1)") }.count == 11)
            if case .queued = after {} else { Issue.record("retries were charged to the limit: \(String(describing: after))") }
            let claimed = try await DeliveryQueueContractTests.drain(store, now: clock.now())
            #expect(Set(claimed.compactMap { $0.split(separator: "/").first.map(String.init) }).count == 2 && claimed.count == 3,
                    "one message of the retries and the later one: \(claimed)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anExpiredAnswerDoesNotBlockANewSubmission(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            let first = store.contractMessage(recipients: ["x@example.org"], replay: SubmissionReplay(key: "k", response: "old"))
            let again = store.contractMessage(recipients: ["x@example.org"], replay: SubmissionReplay(key: "k", response: "new"))
            var results: [SubmissionResult] = []
            try await store.withWriter { commit in
                results.append(await commit(first))
                // Both backends keep an answer for a day (`submissionLedgerRetention`).
                clock.advance(by: 86_400 + 60)
                results.append(await commit(again))
            }
            #expect(results == [.queued(id: first.queueID, messageId: ContractMessage.messageID),
                                .queued(id: again.queueID, messageId: ContractMessage.messageID)])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func afterFinishSubmissionsAreRefusedNotLost(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var finished: ContractCommit?
            try await store.withWriter { commit in finished = commit }
            let commit = try #require(finished)
            let message = store.contractMessage(recipients: ["x@example.org"])
            #expect(await commit(message) == .refused(.mailSystemFailure))
            #expect(try await store.messageBody(queueID: message.queueID) == nil, "nothing was written")
        }
    }

    /// Two nodes: two writers, each over its own `PostgresClient` (its own connection pool), on
    /// one database. Only the database can keep them together under the limit.
    @Test func twoNodesTogetherNeverAcceptMoreThanThePerMinuteLimit() async throws {
        try await PostgresContractStore.withSchema(clients: 2) { clients, logger in
            let clock = TestClock(step: 0)
            let stores = clients.map { PostgresStore(client: $0, logger: logger, masterKey: SymmetricKey(size: .bits256), now: clock.now) }
            try await stores[0].migrate()
            let tenancy = try await stores[0].initialise(tenancy: .generate(.tenancy))
            try await stores[0].setLimits(messagesPerMinute: 15)
            let contract = PostgresContractStore(store: stores[0], client: clients[0], logger: logger, clock: clock, tenancy: tenancy)
            let writers = stores.map { PostgresQueueWriter(store: $0) }
            var results: [SubmissionResult] = []
            try await runningWriter(run: writers[0].run, finish: writers[0].finish) {
                try await runningWriter(run: writers[1].run, finish: writers[1].finish) {
                    results = await Self.commitConcurrently(40, through: writers.map { writer -> ContractCommit in { await writer.commit($0) } },
                                                            store: contract)
                }
            }
            #expect(Self.queuedCount(results) == 15)
            #expect(results.filter { $0 == .refused(.limitReached(.perMinute(limit: 15))) }.count == 25)
            let queued = try await clients[1].query("SELECT count(*) FROM queue_entry", logger: logger).collect()
            #expect(try queued.first?.decode(Int.self) == 15)
        }
    }

    @Test func eachNodeSeesTheClustersUsageWithTheOlderPartOfTheDayByTheMinute() async throws {
        try await PostgresContractStore.withSchema(clients: 2) { clients, logger in
            let clock = TestClock(step: 0)
            let stores = clients.map { PostgresStore(client: $0, logger: logger, masterKey: SymmetricKey(size: .bits256), now: clock.now) }
            try await stores[0].migrate()
            let tenancy = try await stores[0].initialise(tenancy: .generate(.tenancy))
            let contract = PostgresContractStore(store: stores[0], client: clients[0], logger: logger, clock: clock, tenancy: tenancy)
            // Usage charged before this test's minute: 5 recipients 30 minutes ago (the day and
            // the history, not the minute) and 7 two days ago (nothing).
            let now = Int64(clock.now().timeIntervalSince1970)
            try await clients[0].query("INSERT INTO send_usage (second, recipients) VALUES (\(now - 1_800), 5), (\(now - 172_800), 7)",
                                       logger: logger)
            let writers = stores.map { PostgresQueueWriter(store: $0) }
            try await runningWriter(run: writers[0].run, finish: writers[0].finish) {
                try await runningWriter(run: writers[1].run, finish: writers[1].finish) {
                    _ = await Self.commitConcurrently(6, through: writers.map { writer -> ContractCommit in { await writer.commit($0) } },
                                                      store: contract)
                }
            }
            let usage = ClusterSendUsage(store: stores[1])
            #expect(usage.usageDetail(recentSeconds: 10).minute == 0, "nothing before the first refresh")
            try await usage.refresh()
            let detail = usage.usageDetail(recentSeconds: 10)
            #expect(detail.minute == 6 && detail.day == 11 && detail.recent == 6, "\(detail)")
            #expect(detail.history.count == 60 && detail.history.last == 6 && detail.history[59 - 30] == 5, "\(detail.history)")
        }
    }

    /// Commits `count` single-recipient messages at once, spread in turn over `commits`; every
    /// answer, in no particular order. Bounded: each commit answers once its batch is written.
    static func commitConcurrently(_ count: Int, through commits: [ContractCommit], store: any ContractStore) async -> [SubmissionResult] {
        await withTaskGroup(of: SubmissionResult.self) { group in
            for index in 0..<count {
                let message = store.contractMessage(recipients: ["r\(index)@example.org"])
                let commit = commits[index % commits.count]
                group.addTask { await commit(message) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func queuedCount(_ results: [SubmissionResult]) -> Int {
        results.filter { if case .queued = $0 { true } else { false } }.count
    }
}
