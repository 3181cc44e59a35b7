import EnvoiCore
import SMTPProtocol
import Testing

/// The report door (`delivery.return_path_domain`): without AUTH a client may deliver reports
/// to return paths, and nothing else — never an open relay.
@Suite struct SMTPServerStateMachineReportTests {
    static let configuration = SMTPServerConfiguration(
        hostname: "mx.envoi.test", maximumMessageSize: 4096, maximumRecipients: 2, returnPathDomain: "Bounces.Envoi.TEST")
    static let returnPath = "bounces+abc-def@bounces.envoi.test"

    /// Greeted in plain text (MTAs that bounce need not use TLS), no AUTH.
    static func greeted(_ configuration: SMTPServerConfiguration = configuration) -> Conversation {
        var conversation = Conversation.connected(configuration: configuration)
        _ = conversation.send("EHLO mx.example.org\r\n")
        return conversation
    }

    @Test func withoutAReturnPathDomainEverythingStillNeedsAUTH() {
        var conversation = Self.greeted(Conversation.configuration)
        #expect(conversation.send("MAIL FROM:<>\r\n") == ["send: 535 Authentication required", "readMore"])
        #expect(conversation.send("RCPT TO:<\(Self.returnPath)>\r\n") == ["send: 535 Authentication required", "readMore"])
        #expect(conversation.send("DATA\r\n") == ["send: 535 Authentication required", "readMore"])
    }

    @Test func aBounceToAReturnPathIsCheckedThenHandedToTheReportIntake() {
        var conversation = Self.greeted()
        #expect(conversation.send("MAIL FROM:<>\r\n") == ["send: 250 2.1.0 Ok", "readMore"])
        #expect(conversation.send("RCPT TO:<\(Self.returnPath)>\r\n") == ["checkReturnPath: \(Self.returnPath)"])
        #expect(conversation.follow(conversation.machine.recipientAccepted()) == ["send: 250 2.1.5 Ok", "readMore"])
        #expect(conversation.send("DATA\r\n") == ["send: 354 End data with <CR><LF>.<CR><LF>", "readMore"])
        #expect(conversation.send("Subject: x\r\n\r\nbody\r\n.\r\n") == ["processReport: \(Self.returnPath), 20 bytes"])
        #expect(conversation.follow(conversation.machine.reportReceived()) == ["send: 250 2.0.0 Ok: report received", "readMore"])
        // The transaction is over: a new one starts with MAIL again.
        #expect(conversation.send("RCPT TO:<\(Self.returnPath)>\r\n") == ["send: 535 Authentication required", "readMore"])
    }

    @Test("RCPT outside the return-path domain is refused as before", arguments: [
        "someone@example.org", "bounces+abc-def@example.org", "bounces+abc-def@sub.bounces.envoi.test",
    ])
    func neverAnOpenRelay(recipient: String) {
        var conversation = Self.greeted()
        _ = conversation.send("MAIL FROM:<reporter@isp.example>\r\n")
        #expect(conversation.send("RCPT TO:<\(recipient)>\r\n") == ["send: 535 Authentication required", "readMore"])
        #expect(conversation.send("DATA\r\n") == ["send: 535 Authentication required", "readMore"])
    }

    @Test func anUnknownReturnPathIsRefusedAndDATAStaysClosed() {
        var conversation = Self.greeted()
        _ = conversation.send("MAIL FROM:<>\r\n")
        _ = conversation.send("RCPT TO:<\(Self.returnPath)>\r\n")
        #expect(conversation.follow(conversation.machine.recipientRejected(.unknownReturnPath))
                == ["send: 550 5.1.1 Unknown return path", "readMore"])
        #expect(conversation.send("DATA\r\n") == ["send: 535 Authentication required", "readMore"])
    }

    @Test func returnPathsAreCheckedOnceAndBoundedInNumber() {
        var conversation = Self.greeted()
        _ = conversation.send("MAIL FROM:<>\r\n")
        _ = conversation.send("RCPT TO:<\(Self.returnPath)>\r\n")
        _ = conversation.follow(conversation.machine.recipientAccepted())
        #expect(conversation.send("RCPT TO:<\(Self.returnPath)>\r\n") == ["send: 250 2.1.5 Ok", "readMore"])
        _ = conversation.send("RCPT TO:<bounces+x-y@bounces.envoi.test>\r\n")
        _ = conversation.follow(conversation.machine.recipientAccepted())
        #expect(conversation.send("RCPT TO:<bounces+z-w@bounces.envoi.test>\r\n") == ["send: 452 4.5.3 Too many recipients", "readMore"])
    }

    @Test func aReportLargerThanTheSizeLimitIsRefusedAtMAIL() {
        var conversation = Self.greeted()
        #expect(conversation.send("MAIL FROM:<> SIZE=5000\r\n") == ["send: 552 Exceeds byte limit", "readMore"])
    }

    @Test func anAuthenticatedSessionSubmitsToTheReturnPathDomainAsAnyOtherRecipient() {
        var conversation = Conversation.authenticated(configuration: Self.configuration)
        _ = conversation.send("MAIL FROM:<alice@example.com>\r\n")
        _ = conversation.follow(conversation.machine.senderAuthorized())
        #expect(conversation.send("RCPT TO:<\(Self.returnPath)>\r\n") == ["checkRecipient: \(Self.returnPath)"])
    }
}
