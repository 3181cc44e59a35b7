import Bounces
import EnvoiCore
import EnvoiIntake
@testable import EnvoiStore
import Foundation
import Testing

/// Bounces and complaints to VERP return paths, from the SMTP door's point of view: token
/// checks against the store, and what a report writes.
@Suite struct ReportIntakeTests {
    static func dsn(action: String = "failed", status: String, diagnostic: String) -> [UInt8] {
        Array("""
            From: MAILER-DAEMON@mx.example.org\r
            Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r
            \r
            --b1\r
            Content-Type: text/plain\r
            \r
            Delivery failed.\r
            --b1\r
            Content-Type: message/delivery-status\r
            \r
            Reporting-MTA: dns; mx.example.org\r
            \r
            Final-Recipient: rfc822; someone-else@example.org\r
            Action: \(action)\r
            Status: \(status)\r
            Diagnostic-Code: smtp; \(diagnostic)\r
            \r
            --b1--\r

            """.utf8)
    }

    static let complaint = Array("""
        From: feedback@isp.example\r
        Content-Type: multipart/report; report-type=feedback-report; boundary="b2"\r
        \r
        --b2\r
        Content-Type: message/feedback-report\r
        \r
        Feedback-Type: abuse\r
        User-Agent: ISP-FBL/2.0\r
        Version: 1\r
        Reporting-MTA: dns; fbl.isp.example\r
        \r
        --b2--\r

        """.utf8)

    struct Setup {
        let fixture: StoreFixture
        let intake: StoreReportIntake
        let returnPath: ReturnPath
        let queueID: String

        init(softBounceLimit: Int = 3) async throws {
            fixture = try StoreFixture(softBounceLimit: softBounceLimit)
            returnPath = ReturnPath(domain: "bounces.example.net", masterKey: try fixture.directory.loadMasterKey())
            intake = StoreReportIntake(store: fixture.store, returnPath: returnPath)
            queueID = try await DeliveryStoreTests().enqueue(fixture, recipients: ["Alice@example.org", "bob@example.org"])
        }

        func address(_ recipient: String, queueID: String? = nil) throws -> EmailAddress {
            let text = try #require(returnPath.address(queueID: queueID ?? self.queueID, recipient: recipient))
            return try #require(EmailAddress(text))
        }

        func report(_ message: [UInt8], to recipient: String) async throws -> ReportOutcome {
            await intake.receiveReport(InboundReport(returnPaths: [try address(recipient)], message: message, clientIdentity: "mx"))
        }
    }

    @Test func onlyTokensOfSentMessagesAndTheirRecipientsAreAccepted() async throws {
        let s = try await Setup()
        #expect(await s.intake.checkReturnPath(try s.address("alice@example.org")) == .accepted)
        #expect(await s.intake.checkReturnPath(try s.address("bob@example.org")) == .accepted)
        #expect(await s.intake.checkReturnPath(try s.address("mallory@example.org")) == .unknown, "not a recipient")
        let other = QueuedMessage.makeQueueID()
        #expect(await s.intake.checkReturnPath(try s.address("bob@example.org", queueID: other)) == .unknown, "no such message")
        let forged = try #require(EmailAddress("bounces+" + s.queueID.suffix(32) + "-aaaaaaaaaaaaaaaa@bounces.example.net"))
        #expect(await s.intake.checkReturnPath(forged) == .unknown)
    }

    @Test func aHardBounceSuppressesTheTokensRecipientNotTheOneTheReportNames() async throws {
        let s = try await Setup()
        let outcome = try await s.report(Self.dsn(status: "5.1.1", diagnostic: "550 5.1.1 User unknown"), to: "alice@example.org")
        #expect(outcome == .recorded(1))
        let suppression = try #require(try s.fixture.store.suppression(email: "alice@example.org"))
        #expect(suppression.reason == .hardBounce && suppression.errorDetail == "550 5.1.1 User unknown")
        #expect(suppression.errorSource == "mx.example.org" && suppression.messageId == "m1@example.com")
        #expect(try s.fixture.store.suppression(email: "someone-else@example.org") == nil)
        #expect(try s.fixture.store.suppression(email: "bob@example.org") == nil)
        let event = try #require(try s.fixture.store.events(messageId: s.queueID, type: "bounced").first)
        #expect(event.recipient == "Alice@example.org" && event.source == "report" && event.status == "550 5.1.1 User unknown")
        #expect(event.messageId == "m1@example.com" && event.envelopeSender == "a@example.com")
    }

    @Test func anAbuseReportIsAComplaint() async throws {
        let s = try await Setup()
        #expect(try await s.report(Self.complaint, to: "bob@example.org") == .recorded(1))
        let suppression = try #require(try s.fixture.store.suppression(email: "bob@example.org"))
        #expect(suppression.reason == .complaint && suppression.errorDetail == "Feedback-Type: abuse")
        #expect(suppression.errorSource == "fbl.isp.example")
        #expect(try s.fixture.store.events(messageId: s.queueID, type: "complaint").count == 1)
    }

    @Test func failureReportsWithA4xxStatusCountAsSoftBounces() async throws {
        let s = try await Setup(softBounceLimit: 2)
        let soft = Self.dsn(status: "4.2.2", diagnostic: "452 4.2.2 Mailbox full")
        #expect(try await s.report(soft, to: "bob@example.org") == .recorded(1))
        #expect(try s.fixture.store.suppression(email: "bob@example.org") == nil)
        #expect(try await s.report(soft, to: "bob@example.org") == .recorded(1))
        #expect(try s.fixture.store.suppression(email: "bob@example.org")?.reason == .softBounce)
    }

    @Test func delayNoticesAndForgedTokensWriteNothing() async throws {
        let s = try await Setup()
        let before = try s.fixture.store.events(messageId: s.queueID).count
        let delayed = Self.dsn(action: "delayed", status: "4.4.1", diagnostic: "421 try later")
        guard case .ignored = try await s.report(delayed, to: "alice@example.org") else {
            Issue.record("a delay notice must be ignored")
            return
        }
        let forged = try #require(EmailAddress("bounces+" + s.queueID.suffix(32) + "-aaaaaaaaaaaaaaaa@bounces.example.net"))
        let outcome = await s.intake.receiveReport(InboundReport(
            returnPaths: [forged], message: Self.dsn(status: "5.1.1", diagnostic: "550 gone"), clientIdentity: "mx"))
        #expect(outcome == .ignored("no known recipient"))
        #expect(try s.fixture.store.suppressionCount() == 0)
        #expect(try s.fixture.store.events(messageId: s.queueID).count == before)
    }
}
