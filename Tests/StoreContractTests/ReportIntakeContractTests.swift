import Bounces
import Crypto
import EnvoiCore
import EnvoiIntake
import Foundation
import Testing

/// Bounces and complaints to VERP return paths, from the SMTP door's point of view: EnvoiIntake's
/// one `StoreReportIntake` over each backend's `ReportStore`, checking tokens against the store
/// and writing what a report says, the same assertions on every backend.
@Suite struct ReportIntakeContractTests {
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

    /// A store holding one sent message to Alice and Bob, and the report intake over it.
    struct Setup {
        let store: any ContractStore
        let intake: StoreReportIntake
        let returnPath: ReturnPath
        let queueID: String

        static func with(_ backend: StoreBackend, softBounceLimit: Int = 3, _ body: (Setup) async throws -> Void) async throws {
            try await backend.withStore(softBounceLimit: softBounceLimit) { store in
                let returnPath = ReturnPath(domain: "bounces.example.net", masterKey: SymmetricKey(size: .bits256))
                let queueID = try await store.enqueue(recipients: ["Alice@example.org", "bob@example.org"])
                try await body(Setup(store: store, intake: StoreReportIntake(store: store.reports, returnPath: returnPath),
                                     returnPath: returnPath, queueID: queueID))
            }
        }

        func address(_ recipient: String, queueID: String? = nil) throws -> EmailAddress {
            let text = try #require(returnPath.address(queueID: queueID ?? self.queueID, recipient: recipient))
            return try #require(EmailAddress(text))
        }

        func report(_ message: [UInt8], to recipient: String) async throws -> ReportOutcome {
            await intake.receiveReport(InboundReport(returnPaths: [try address(recipient)], message: message, clientIdentity: "mx"))
        }

        /// The suppression of `address`, looked up in any case.
        func suppression(_ address: String) async throws -> Suppression? {
            try await store.suppressions(SuppressionQuery(emailAddress: address)).items.first
        }

        func events(_ type: String? = nil) async throws -> [ContractEvent] {
            try await store.events(queueID: queueID).filter { type == nil || $0.type == type }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func onlyTokensOfSentMessagesAndTheirRecipientsAreAccepted(backend: StoreBackend) async throws {
        try await Setup.with(backend) { s in
            #expect(await s.intake.checkReturnPath(try s.address("alice@example.org")) == .accepted)
            #expect(await s.intake.checkReturnPath(try s.address("bob@example.org")) == .accepted)
            #expect(await s.intake.checkReturnPath(try s.address("mallory@example.org")) == .unknown, "not a recipient")
            let other = QueuedMessage.makeQueueID()
            #expect(await s.intake.checkReturnPath(try s.address("bob@example.org", queueID: other)) == .unknown, "no such message")
            let forged = try #require(EmailAddress("bounces+" + s.queueID.suffix(32) + "-aaaaaaaaaaaaaaaa@bounces.example.net"))
            #expect(await s.intake.checkReturnPath(forged) == .unknown)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aHardBounceSuppressesTheTokensRecipientNotTheOneTheReportNames(backend: StoreBackend) async throws {
        try await Setup.with(backend) { s in
            let outcome = try await s.report(Self.dsn(status: "5.1.1", diagnostic: "550 5.1.1 User unknown"), to: "alice@example.org")
            #expect(outcome == .recorded(1))
            let suppression = try #require(try await s.suppression("alice@example.org"))
            #expect(suppression.reason == .hardBounce && suppression.errorDetail == "550 5.1.1 User unknown")
            #expect(suppression.errorSource == "mx.example.org" && suppression.messageId == ContractMessage.messageID)
            #expect(try await s.suppression("someone-else@example.org") == nil)
            #expect(try await s.suppression("bob@example.org") == nil)
            let event = try #require(try await s.events("bounced").first)
            #expect(event.recipient == "Alice@example.org" && event.source == "report" && event.status == "550 5.1.1 User unknown")
            #expect(event.messageID == ContractMessage.messageID && event.envelopeSender == "a@example.com")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anAbuseReportIsAComplaint(backend: StoreBackend) async throws {
        try await Setup.with(backend) { s in
            #expect(try await s.report(Self.complaint, to: "bob@example.org") == .recorded(1))
            let suppression = try #require(try await s.suppression("bob@example.org"))
            #expect(suppression.reason == .complaint && suppression.errorDetail == "Feedback-Type: abuse")
            #expect(suppression.errorSource == "fbl.isp.example")
            #expect(try await s.events("complaint").count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func failureReportsWithA4xxStatusCountAsSoftBounces(backend: StoreBackend) async throws {
        try await Setup.with(backend, softBounceLimit: 2) { (s: Setup) async throws in
            let soft = Self.dsn(status: "4.2.2", diagnostic: "452 4.2.2 Mailbox full")
            #expect(try await s.report(soft, to: "bob@example.org") == .recorded(1))
            #expect(try await s.suppression("bob@example.org") == nil)
            #expect(try await s.report(soft, to: "bob@example.org") == .recorded(1))
            #expect(try await s.suppression("bob@example.org")?.reason == .softBounce)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func delayNoticesAndForgedTokensWriteNothing(backend: StoreBackend) async throws {
        try await Setup.with(backend) { s in
            let before = try await s.events().count
            let delayed = Self.dsn(action: "delayed", status: "4.4.1", diagnostic: "421 try later")
            guard case .ignored = try await s.report(delayed, to: "alice@example.org") else {
                Issue.record("a delay notice must be ignored")
                return
            }
            let forged = try #require(EmailAddress("bounces+" + s.queueID.suffix(32) + "-aaaaaaaaaaaaaaaa@bounces.example.net"))
            let outcome = await s.intake.receiveReport(InboundReport(
                returnPaths: [forged], message: Self.dsn(status: "5.1.1", diagnostic: "550 gone"), clientIdentity: "mx"))
            #expect(outcome == .ignored("no known recipient"))
            #expect(try await s.store.suppressions(SuppressionQuery()).items.isEmpty)
            #expect(try await s.events().count == before)
        }
    }
}
