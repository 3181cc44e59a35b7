import EnvoiCore
import Foundation
import Testing

/// The delivery queue's claims, leases and outcomes, the same assertions on every backend.
@Suite struct DeliveryQueueContractTests {
    @Test(arguments: StoreBackend.allCases)
    func claimedEntriesAreLeasedUntilRecordedOrTheLeaseExpires(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            let id = try await store.enqueue(recipients: ["x@example.org", "y@example.org"])
            let now = clock.now()
            let jobs = try await store.queue.claimDueDeliveries(now: now, limit: 10, lease: 60)
            #expect(jobs.map(\.queueID) == [id])
            let job = try #require(jobs.first)
            #expect(Set(job.recipients) == ["x@example.org", "y@example.org"] && job.attempts == ["x@example.org": 0, "y@example.org": 0])
            #expect(job.envelopeSender == "a@example.com" && job.messageID == ContractMessage.messageID && job.body == ContractMessage.body)
            #expect(job.timeReceived < now)
            #expect(try await store.queue.claimDueDeliveries(now: now.addingTimeInterval(59), limit: 10, lease: 60).isEmpty, "leased")
            try await store.queue.releaseAllLeases()
            #expect(try await store.queue.claimDueDeliveries(now: now, limit: 10, lease: 60).count == 1, "released at start-up")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anExpiredLeaseIsClaimableAgain(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            _ = try await store.enqueue(recipients: ["x@example.org"])
            let now = clock.now()
            #expect(try await store.queue.claimDueDeliveries(now: now, limit: 10, lease: 60).count == 1)
            #expect(try await store.queue.claimDueDeliveries(now: now.addingTimeInterval(60), limit: 10, lease: 60).map(\.recipients)
                    == [["x@example.org"]], "a dead node's lease ends at its expiry")
            #expect(try await store.queue.claimDueDeliveries(now: now.addingTimeInterval(61), limit: 10, lease: 60).isEmpty, "leased anew")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aClaimTakesAtMostTheLimitAndLeavesTheRestDue(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            _ = try await store.enqueue(recipients: (1...5).map { "r\($0)@example.org" })
            let now = clock.now()
            let first = try await store.queue.claimDueDeliveries(now: now, limit: 3, lease: 60)
            let second = try await store.queue.claimDueDeliveries(now: now, limit: 3, lease: 60)
            #expect(first.flatMap(\.recipients).count == 3 && second.flatMap(\.recipients).count == 2)
            #expect(Set(first.flatMap(\.recipients)).isDisjoint(with: second.flatMap(\.recipients)))
        }
    }

    /// Claims until nothing is due (bounded), returning every recipient claimed, as "queue/recipient".
    static func drain(_ store: any ContractStore, now: Date) async throws -> [String] {
        var claimed: [String] = []
        for _ in 0..<100 {
            let jobs = try await store.queue.claimDueDeliveries(now: now, limit: 4, lease: 300)
            if jobs.isEmpty { return claimed }
            claimed += jobs.flatMap { job in job.recipients.map { "\(job.queueID)/\($0)" } }
        }
        Issue.record("still claiming after 100 rounds")
        return claimed
    }

    @Test(arguments: StoreBackend.allCases)
    func twoConcurrentClaimersNeverTakeTheSameRecipient(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            for _ in 0..<12 { _ = try await store.enqueue(recipients: ["a@example.org", "b@example.org", "c@example.org"]) }
            let now = clock.now()
            async let first = Self.drain(store, now: now)
            async let second = Self.drain(store, now: now)
            let (one, two) = try await (first, second)
            #expect(Set(one).isDisjoint(with: two), "claimed by both: \(Set(one).intersection(two).sorted())")
            #expect(one.count + two.count == 36 && Set(one + two).count == 36, "every recipient claimed exactly once")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func outcomesMoveEntriesOnAndSuppressHardBounces(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            let id = try await store.enqueue(recipients: ["ok@example.org", "Gone@example.org", "later@example.org"])
            let now = clock.now()
            let job = try #require(try await store.queue.claimDueDeliveries(now: now, limit: 10, lease: 60).first)
            try await store.queue.recordDeliveries([
                DeliveryRecord(recipient: "ok@example.org", result: .relayed, status: "250 ok", remoteHost: "mx", dkimSelector: "s1"),
                DeliveryRecord(recipient: "Gone@example.org", result: .bouncedHard, status: "550 5.1.1 unknown", remoteHost: "mx.example.org"),
                DeliveryRecord(recipient: "later@example.org", result: .deferred(retryAt: now.addingTimeInterval(300)), status: "451 later"),
            ], of: job, now: now)
            let suppression = try #require(try await store.suppressions(SuppressionQuery(emailAddress: "gone@example.org")).items.first)
            #expect(suppression.reason == .hardBounce && suppression.errorDetail == "550 5.1.1 unknown")
            #expect(suppression.errorSource == "mx.example.org" && suppression.messageId == ContractMessage.messageID)
            #expect(suppression.timeCreated == now)
            #expect(try await store.queue.isSuppressed("gone@example.org"))
            #expect(try await store.queue.claimDueDeliveries(now: now.addingTimeInterval(100), limit: 10, lease: 60).isEmpty,
                    "recorded entries are no longer leased, and the deferred one is not due yet")
            let retry = try #require(try await store.queue.claimDueDeliveries(now: now.addingTimeInterval(300), limit: 10, lease: 60).first)
            #expect(retry.recipients == ["later@example.org"] && retry.attempts == ["later@example.org": 1])
            try await store.queue.recordDeliveries([DeliveryRecord(recipient: "later@example.org", result: .relayed, status: "250 ok")],
                                             of: retry, now: now.addingTimeInterval(300))
            #expect(try await store.queue.claimDueDeliveries(now: now.addingTimeInterval(10_000), limit: 10, lease: 60).isEmpty, "all final")
            #expect(try await store.messageBody(queueID: id) == nil, "the body is gone once every recipient is final")
            let types = try await store.events(queueID: id).map(\.type)
            #expect(types.filter { $0 == "relayed" }.count == 2 && types.contains("bounced") && types.contains("deferred"), "\(types)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func suppressedAndExpiredOutcomesAreFinal(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            _ = try await store.enqueue(recipients: ["x@example.org", "y@example.org"])
            let now = clock.now()
            let job = try #require(try await store.queue.claimDueDeliveries(now: now, limit: 10, lease: 60).first)
            try await store.queue.recordDeliveries([
                DeliveryRecord(recipient: "x@example.org", result: .suppressed, status: "suppressed"),
                DeliveryRecord(recipient: "y@example.org", result: .bouncedSoft, status: "expired"),
            ], of: job, now: now)
            #expect(try await store.queue.claimDueDeliveries(now: now.addingTimeInterval(1_000), limit: 10, lease: 60).isEmpty)
            #expect(try await store.queue.isSuppressed("x@example.org") == false, "a suppressed outcome adds no entry")
        }
    }

    @Test(arguments: [StoreBackend.sqlite, .postgres].flatMap { backend in [1, 2, 3, 5].map { (backend, $0) } })
    func softBouncesInARowSuppressAtTheConfiguredLimitAndADeliveryResetsThem(backend: StoreBackend, limit: Int) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock, softBounceLimit: limit) { store in
            func record(_ result: DeliveryRecord.Result) async throws {
                _ = try await store.enqueue(recipients: ["flaky@example.org"])
                let job = try #require(try await store.queue.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60).first)
                try await store.queue.recordDeliveries([DeliveryRecord(recipient: "flaky@example.org", result: result, status: "expired")],
                                                 of: job, now: clock.now())
            }
            if limit > 1 {
                try await record(.bouncedSoft)
                try await record(.relayed)
                #expect(try await store.queue.isSuppressed("flaky@example.org") == false)
            }
            for round in 1...limit {
                try await record(.bouncedSoft)
                #expect(try await store.queue.isSuppressed("flaky@example.org") == (round == limit), "round \(round) of \(limit)")
            }
            let entry = try #require(try await store.suppressions(SuppressionQuery(emailAddress: "flaky@example.org")).items.first)
            #expect(entry.reason == .softBounce && entry.errorDetail == "expired")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func purgingRemovesOnlyEventsOlderThanTheCutoff(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            _ = try await store.enqueue(recipients: ["x@example.org"])
            let now = clock.now()
            let job = try #require(try await store.queue.claimDueDeliveries(now: now, limit: 10, lease: 60).first)
            try await store.queue.recordDeliveries([DeliveryRecord(recipient: "x@example.org", result: .relayed, status: "250 ok")],
                                             of: job, now: now)
            #expect(try await store.queue.purgeEvents(before: Date(timeIntervalSince1970: 0)) == 0)
            #expect(try await store.queue.purgeEvents(before: now.addingTimeInterval(1)) >= 1, "at least the delivery event")
            #expect(try await store.queue.purgeEvents(before: now.addingTimeInterval(1)) == 0, "already purged")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aQueuedMessagesEventIsPurgedOnlyPastTheCutoffAndThenNoneIsLeft(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            let id = try await store.enqueue(recipients: ["a@example.org"])
            let now = clock.now()
            #expect(try await store.queue.purgeEvents(before: now.addingTimeInterval(-14 * 86_400)) == 0)
            #expect(try await store.queue.purgeEvents(before: now.addingTimeInterval(1)) == 1, "the one event of queueing it")
            #expect(try await store.events(queueID: id).isEmpty)
        }
    }
}
