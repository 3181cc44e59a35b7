import EnvoiCore
import Foundation
import Testing

/// The capture transport's mailbox (`DeliveryQueueStore.keepInMailbox`), the same assertions on
/// every backend.
@Suite struct MailboxContractTests {
    @Test(arguments: StoreBackend.allCases)
    func aKeptMessageIsReadBackAsItWasDelivered(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            let id = try await store.enqueue(recipients: ["x@example.org", "y@example.org"])
            let job = try #require(try await store.queue.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60).first)
            let signed = Array("DKIM-Signature: v=1; s=s1\r\n".utf8) + job.body
            try await store.queue.keepInMailbox(signed, of: job, recipients: job.recipients, dkimSelector: "s1", now: clock.now())
            #expect(try await store.keptMessages(queueID: id) == [
                KeptMessage(messageID: ContractMessage.messageID, envelopeSender: "a@example.com", recipients: job.recipients,
                            dkimSelector: "s1", body: signed),
            ])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aRedeliveryAfterACrashIsKeptOnce(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            let id = try await store.enqueue(recipients: ["x@example.org", "y@example.org"])
            let job = try #require(try await store.queue.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60).first)
            try await store.queue.keepInMailbox(job.body, of: job, recipients: job.recipients, dkimSelector: nil, now: clock.now())
            // The crash: the outcome was never recorded, so the same recipients are delivered again.
            try await store.queue.keepInMailbox(job.body, of: job, recipients: job.recipients, dkimSelector: nil, now: clock.now())
            try await store.queue.keepInMailbox(job.body, of: job, recipients: ["x@example.org"], dkimSelector: nil, now: clock.now())
            let kept = try await store.keptMessages(queueID: id)
            #expect(kept.map(\.recipients) == [job.recipients, ["x@example.org"]],
                    "once for both recipients, once for a later delivery to one of them")
            #expect(kept.allSatisfy { $0.dkimSelector == nil && $0.body == job.body }, "unsigned, as delivered")
        }
    }
}
