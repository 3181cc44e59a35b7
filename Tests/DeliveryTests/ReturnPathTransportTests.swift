import Bounces
import Crypto
@testable import Delivery
import EnvoiCore
import Foundation
import Testing

/// A transport that records the envelope sender and recipients of each call and answers
/// `550` for recipients whose local part starts with "bounce".
final class RecordingTransport: Transport {
    let calls = Locked<[(sender: String, recipients: [String])]>([])
    let maintained = Locked(false)

    func maintain(until stop: @escaping @Sendable () -> Bool) async {
        maintained.withLock { $0 = true }
    }

    func destination(of recipient: String) -> String { "sink" }

    func deliver(_ message: [UInt8], job: DeliveryJob, recipients: [String], dkimSelector: String?) async -> TransportResult {
        calls.withLock { $0.append((job.envelopeSender, recipients)) }
        var outcomes: [String: DeliveryOutcome] = [:]
        for recipient in recipients {
            outcomes[recipient] = recipient.hasPrefix("bounce") ? .bounced(status: "550 5.1.1 gone") : .relayed(status: "250 ok")
        }
        return TransportResult(outcomes: outcomes, remoteHost: "sink:25")
    }
}

@Suite struct ReturnPathTransportTests {
    let returnPath = ReturnPath(domain: "bounces.example.net", masterKey: SymmetricKey(data: Data(repeating: 1, count: 32)))

    func job(_ recipients: [String]) -> DeliveryJob {
        DeliveryJob(queueID: "ocid1.emailmessage.envoi..abcdefghijklmnopqrstuvwxyz234567", messageID: "m@example.com",
                    envelopeSender: "app@example.com", recipients: recipients, attempts: [:], body: [], timeReceived: Date())
    }

    @Test func eachRecipientLeavesInItsOwnTransactionWithItsOwnReturnPath() async throws {
        let inner = RecordingTransport()
        let transport = ReturnPathTransport(wrapping: inner, returnPath: returnPath)
        let recipients = ["a@example.org", "bounce@example.org"]
        let result = await transport.deliver([], job: job(recipients), recipients: recipients, dkimSelector: nil)
        let calls = inner.calls.withLock { $0 }
        #expect(calls.map(\.recipients) == [["a@example.org"], ["bounce@example.org"]])
        for (call, recipient) in zip(calls, recipients) {
            #expect(call.sender == returnPath.address(queueID: job(recipients).queueID, recipient: recipient))
            let sender = try #require(EmailAddress(call.sender))
            let token = try #require(returnPath.token(of: sender))
            #expect(returnPath.recipient(of: token, among: recipients) == recipient)
        }
        #expect(result.outcomes == ["a@example.org": .relayed(status: "250 ok"), "bounce@example.org": .bounced(status: "550 5.1.1 gone")])
        #expect(result.remoteHost == "sink:25")
        #expect(transport.destination(of: "a@example.org") == "sink")
    }

    @Test func theInnerTransportsUpkeepRunsUnderTheWrapper() async {
        let inner = RecordingTransport()
        await ReturnPathTransport(wrapping: inner, returnPath: returnPath).maintain(until: { true })
        #expect(inner.maintained.withLock { $0 }, "pooled connections would never be closed when idle")
    }

    @Test func aJobWhoseQueueIDEnvoiDidNotMakeKeepsItsSender() async {
        let inner = RecordingTransport()
        var job = job(["a@example.org"])
        job.queueID = "legacy-1"
        _ = await ReturnPathTransport(wrapping: inner, returnPath: returnPath).deliver([], job: job, recipients: ["a@example.org"], dkimSelector: nil)
        #expect(inner.calls.withLock { $0.map(\.sender) } == ["app@example.com"])
    }
}
