import EnvoiCore
@testable import EnvoiStore
import Foundation
import Testing

@Suite struct DeliveryStoreTests {
    func enqueue(_ f: StoreFixture, recipients: [String]) async throws -> String {
        let writer = try QueueWriter(store: f.store)
        async let running: Void = writer.run()
        let submission = Submission(submitter: Submitter(userId: f.bootstrap.adminUser.id), source: .smtp,
                                    envelopeSender: EmailAddress("a@example.com")!, recipients: recipients.map { EmailAddress($0)! },
                                    message: Array("From: a@example.com\r\nMessage-ID: <m1@example.com>\r\n\r\nhi\r\n".utf8))
        let result = await writer.commit(QueuedMessage(queueID: QueuedMessage.makeQueueID(), messageID: "m1@example.com", submission: submission))
        writer.finish()
        await running
        guard case .queued(let id, _) = result else { throw StoreError.io("not queued") }
        return id
    }

    @Test func claimsLeaseEntriesUntilTheyAreRecordedOrTheLeaseExpires() async throws {
        let f = try StoreFixture()
        let id = try await enqueue(f, recipients: ["x@example.org", "y@example.org"])
        let now = Date()
        let jobs = try await f.store.claimDueDeliveries(now: now, limit: 10, lease: 60)
        #expect(jobs.map(\.queueID) == [id])
        #expect(Set(jobs[0].recipients) == ["x@example.org", "y@example.org"])
        #expect(try await f.store.claimDueDeliveries(now: now, limit: 10, lease: 60).isEmpty, "leased")
        #expect(try await f.store.claimDueDeliveries(now: now.addingTimeInterval(61), limit: 10, lease: 60).count == 1, "lease expired")
        try await f.store.releaseAllLeases()
        #expect(try await f.store.claimDueDeliveries(now: now, limit: 10, lease: 60).count == 1, "released at start-up")
    }

    @Test func aRedeliveryAfterACrashIsKeptInTheMailboxOnce() async throws {
        let f = try StoreFixture()
        _ = try await enqueue(f, recipients: ["x@example.org", "y@example.org"])
        let job = try #require(try await f.store.claimDueDeliveries(now: Date(), limit: 10, lease: 60).first)
        try await f.store.keepInMailbox(job.body, of: job, recipients: job.recipients, dkimSelector: nil, now: Date())
        // The crash: the outcome was never recorded, so the same recipients are delivered again.
        try await f.store.keepInMailbox(job.body, of: job, recipients: job.recipients, dkimSelector: nil, now: Date())
        try await f.store.keepInMailbox(job.body, of: job, recipients: ["x@example.org"], dkimSelector: nil, now: Date())
        let kept = try f.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mailbox WHERE queue_id = ?", arguments: [job.queueID]) }
        #expect(kept == 2, "once for both recipients, once for a later delivery to one of them")
    }

    @Test func outcomesUpdateEntriesEventsSuppressionsAndDropTheBody() async throws {
        let f = try StoreFixture()
        let id = try await enqueue(f, recipients: ["ok@example.org", "gone@example.org", "later@example.org"])
        let now = Date()
        let job = try #require(try await f.store.claimDueDeliveries(now: now, limit: 10, lease: 60).first)
        try await f.store.recordDeliveries([
            DeliveryRecord(recipient: "ok@example.org", result: .relayed, status: "250 ok", remoteHost: "mx", dkimSelector: "s1"),
            DeliveryRecord(recipient: "gone@example.org", result: .bouncedHard, status: "550 5.1.1 unknown", remoteHost: "mx.example.org"),
            DeliveryRecord(recipient: "later@example.org", result: .deferred(retryAt: now.addingTimeInterval(300)), status: "451 later"),
        ], of: job, now: now)
        let suppression = try #require(try f.store.suppression(email: "gone@example.org"))
        #expect(suppression.reason == .hardBounce && suppression.errorDetail == "550 5.1.1 unknown")
        #expect(suppression.errorSource == "mx.example.org" && suppression.messageId == "m1@example.com")
        #expect(try await f.store.claimDueDeliveries(now: now.addingTimeInterval(100), limit: 10, lease: 60).isEmpty, "not due yet")
        let retry = try #require(try await f.store.claimDueDeliveries(now: now.addingTimeInterval(301), limit: 10, lease: 60).first)
        #expect(retry.recipients == ["later@example.org"] && retry.attempts["later@example.org"] == 1)
        try await f.store.recordDeliveries([DeliveryRecord(recipient: "later@example.org", result: .relayed, status: "250 ok")], of: retry, now: now)
        let body = try f.store.read { db in try Data.fetchOne(db, sql: "SELECT body FROM message WHERE id = ?", arguments: [id]) }
        #expect(body == nil, "the body is gone once every recipient is final")
        let types = try f.store.events(messageId: id).map(\.type)
        #expect(types.filter { $0 == "relayed" }.count == 2 && types.contains("bounced") && types.contains("deferred"))
    }

    func record(_ f: StoreFixture, _ recipient: String, _ result: DeliveryRecord.Result) async throws {
        _ = try await enqueue(f, recipients: [recipient])
        let job = try #require(try await f.store.claimDueDeliveries(now: Date(), limit: 10, lease: 60).first)
        try await f.store.recordDeliveries([DeliveryRecord(recipient: recipient, result: result, status: "expired")], of: job, now: Date())
    }

    @Test(arguments: [1, 2, 3, 5])
    func softBouncesInARowSuppressAtTheConfiguredLimit(limit: Int) async throws {
        let f = try StoreFixture(softBounceLimit: limit)
        for round in 1...limit {
            try await record(f, "flaky@example.org", .bouncedSoft)
            let suppressed = try f.store.suppression(email: "flaky@example.org")
            #expect((suppressed != nil) == (round == limit), "round \(round) of \(limit)")
        }
        #expect(try f.store.suppression(email: "flaky@example.org")?.reason == .softBounce)
    }

    @Test func aDeliveryResetsTheSoftBounceCount() async throws {
        let f = try StoreFixture(softBounceLimit: 2)
        try await record(f, "flaky@example.org", .bouncedSoft)
        try await record(f, "flaky@example.org", .relayed)
        try await record(f, "flaky@example.org", .bouncedSoft)
        #expect(try f.store.suppression(email: "flaky@example.org") == nil, "not two in a row")
        try await record(f, "flaky@example.org", .bouncedSoft)
        #expect(try f.store.suppression(email: "flaky@example.org")?.reason == .softBounce)
    }

    @Test func eventsOlderThanTheCutoffArePurged() async throws {
        let f = try StoreFixture()
        _ = try await enqueue(f, recipients: ["a@example.org"])
        #expect(try await f.store.purgeEvents(before: Date().addingTimeInterval(-14 * 86_400)) == 0)
        #expect(try await f.store.purgeEvents(before: Date().addingTimeInterval(1)) == 1)
        #expect(try f.store.events().isEmpty)
    }

    @Test func theActiveKeyOfTheFromDomainSigns() throws {
        let f = try StoreFixture()
        let domain = try f.store.createEmailDomain(name: "example.com")
        #expect(try f.store.activeSigningKey(domain: "example.com") == nil)
        let key = try f.store.insertDkim(f.dkim(domain: domain.id, selector: "s1", state: .active), privateKeyPEM: "PEM")
        let signing = try #require(try f.store.activeSigningKey(domain: "Example.COM"))
        #expect(signing.selector == "s1" && signing.privateKeyPEM == "PEM")
        _ = try f.store.setDkimState(key.id, .needsAttention)
        #expect(try f.store.activeSigningKey(domain: "example.com") == nil)
    }
}
