import SMTPProtocol
import Testing

@Suite struct DeliveryStatusTests {
    @Test("local delivery statuses render as one status line", arguments: [
        (SMTPReply.keptInMailbox, "250 2.0.0 Kept in the local mailbox"),
        (SMTPReply.mailboxUnwritable, "451 4.3.0 The local mailbox cannot be written"),
        (SMTPReply.noSession(with: "mx:25", error: "refused"), "451 4.4.1 No session with mx:25: refused"),
        (SMTPReply.sessionFailed(with: "mx:25", error: "reset"), "451 4.4.2 Session with mx:25 failed: reset"),
        (SMTPReply.noReplyForRecipient(from: "mx:25"), "451 4.4.2 No reply for this recipient from mx:25"),
        (SMTPReply.noOutcome, "451 4.4.2 No outcome"),
        (SMTPReply.clientFailure("too big", permanent: true), "554 5.0.0 too big"),
        (SMTPReply.clientFailure("timed out", permanent: false), "451 4.4.2 timed out"),
    ])
    func statusLines(reply: SMTPReply, line: String) {
        #expect(reply.description == line)
    }
}
