import SMTPProtocol
import Testing

/// Every transition of a transaction, one command at a time and pipelined (RFC 5321 §3.3, RFC 2920).
@Suite struct SMTPClientStateMachineTransactionTests {
    typealias Conversation = ClientConversation

    static let mail = "send: MAIL FROM:<alice@example.com> SIZE=21"
    static let content = "send: Subject: hi||body|."
    static let group = mail + "|RCPT TO:<bob@example.org>|RCPT TO:<carol@example.org>|DATA"

    @Test("one command per reply without pipelining, and 250 after the content delivers")
    func oneAtATime() {
        var conversation = Conversation.ready()
        #expect(conversation.follow(conversation.machine.sendMessage(Conversation.message)) == [Self.mail, "readMore"])
        #expect(conversation.receive("250 2.1.0 Ok\r\n") == ["send: RCPT TO:<bob@example.org>", "readMore"])
        #expect(conversation.receive("250 2.1.5 Ok\r\n") == ["send: DATA", "readMore"])
        #expect(conversation.receive("354 End data with <CR><LF>.<CR><LF>\r\n") == [Self.content, "readMore"])
        #expect(conversation.receive("250 2.0.0 Ok: queued as m1\r\n") == [
            "deliver: bob@example.org 250 accepted (final 250 2.0.0 Ok: queued as m1)", "awaitMessage",
        ])
    }

    /// Replies to MAIL, RCPT bob, RCPT carol, DATA, content, as far as the conversation gets.
    @Test("without pipelining, each refusal decides the recipients it concerns", arguments: [
        (["550 5.7.1 not you"], "bob@example.org 550 permanentFailure, carol@example.org 550 permanentFailure (final 550 5.7.1 not you)", false),
        (["451 4.3.0 later"], "bob@example.org 451 transientFailure, carol@example.org 451 transientFailure (final 451 4.3.0 later)", false),
        (["250 2.1.0 Ok", "550 5.1.1 no bob", "250 2.1.5 Ok", "354 go", "250 2.0.0 Ok"],
         "bob@example.org 550 permanentFailure, carol@example.org 250 accepted (final 250 2.0.0 Ok)", false),
        (["250 2.1.0 Ok", "550 5.1.1 no bob", "450 4.2.0 carol busy"],
         "bob@example.org 550 permanentFailure, carol@example.org 450 transientFailure (final 550 5.1.1 no bob)", true),
        (["250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "554 5.5.1 no"],
         "bob@example.org 554 permanentFailure, carol@example.org 554 permanentFailure (final 554 5.5.1 no)", true),
        (["250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "354 go", "451 4.3.0 later"],
         "bob@example.org 451 transientFailure, carol@example.org 451 transientFailure (final 451 4.3.0 later)", false),
        (["250 2.1.0 Ok", "250 2.1.5 Ok", "254 4.7.1 Suppression for user u to carol@example.org", "354 go", "250 2.0.0 Ok"],
         "bob@example.org 250 accepted, carol@example.org 250 accepted (final 250 2.0.0 Ok)", false),
    ] as [([String], String, Bool)])
    func refusals(replies: [String], result: String, resetsNext: Bool) {
        var conversation = Conversation.ready()
        var actions = conversation.follow(conversation.machine.sendMessage(Conversation.twoRecipients))
        for reply in replies { actions = conversation.receive(reply + "\r\n") }
        #expect(actions == ["deliver: " + result, "awaitMessage"])
        // RSET only when MAIL was accepted and the transaction was not ended by a final reply.
        let next = conversation.follow(conversation.machine.sendMessage(Conversation.message))
        #expect(next == [resetsNext ? "send: RSET" : Self.mail, "readMore"])
        if resetsNext {
            #expect(conversation.receive("250 2.0.0 Ok\r\n") == [Self.mail, "readMore"])
        }
    }

    @Test("a refused RSET ends the session: the message fails, then QUIT (RFC 5321 §4.1.1.5)")
    func refusedReset() {
        var conversation = Conversation.mailSent()
        _ = conversation.receive("250 2.1.0 Ok\r\n")
        _ = conversation.receive("550 5.1.1 no\r\n")
        _ = conversation.follow(conversation.machine.sendMessage(Conversation.message))
        #expect(conversation.receive("500 5.5.1 what\r\n") == [
            "deliver: bob@example.org [RSET refused: 500 5.5.1 what] transientFailure (final none)", "send: QUIT", "readMore",
        ])
    }

    @Test("a 421 at any step fails the undecided recipients as transient and closes without QUIT (RFC 5321 §3.8)",
          arguments: [([String](), "MAIL"), (["250 2.1.0 Ok"], "RCPT"), (["250 2.1.0 Ok", "250 2.1.5 Ok"], "DATA"),
                      (["250 2.1.0 Ok", "250 2.1.5 Ok", "354 go"], "message content")])
    func serviceClosing(before: [String], stage: String) {
        var conversation = Conversation.mailSent()
        for reply in before { _ = conversation.receive(reply + "\r\n") }
        #expect(conversation.receive("421 4.4.2 timeout\r\n") == [
            "deliver: bob@example.org 421 transientFailure (final 421 4.4.2 timeout)",
            "close: \(stage) refused: 421 4.4.2 timeout",
        ])
        #expect(conversation.machine.isClosed)
    }

    @Test("pipelining sends MAIL, RCPT and DATA as one group and matches the replies in order (RFC 2920 §3.1)")
    func pipelined() {
        var conversation = Conversation.ready(pipelining: true)
        #expect(conversation.follow(conversation.machine.sendMessage(Conversation.twoRecipients)) == [Self.group, "readMore"])
        #expect(conversation.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 no carol\r\n354 go\r\n") == [Self.content, "readMore"])
        #expect(conversation.receive("250 2.0.0 Ok: queued as m1\r\n") == [
            "deliver: bob@example.org 250 accepted, carol@example.org 550 permanentFailure (final 250 2.0.0 Ok: queued as m1)",
            "awaitMessage",
        ])
    }

    @Test("pipelined replies give the same actions byte by byte, in halves and at once")
    func pipelinedChunks() {
        let replies = "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n"
        var whole = Conversation.ready(pipelining: true)
        _ = whole.follow(whole.machine.sendMessage(Conversation.twoRecipients))
        var bytes = Conversation.ready(pipelining: true)
        _ = bytes.follow(bytes.machine.sendMessage(Conversation.twoRecipients))
        var halves = Conversation.ready(pipelining: true)
        _ = halves.follow(halves.machine.sendMessage(Conversation.twoRecipients))
        let expected = whole.receive(replies)
        #expect(expected == [Self.content, "readMore"])
        #expect(bytes.receiveByteByByte(replies) == expected)
        #expect(halves.receive(String(replies.prefix(20))) == ["readMore"])
        #expect(halves.receive(String(replies.dropFirst(20))) == expected)
    }

    @Test("pipelined refusals: MAIL refused decides all; no recipient with DATA 354 sends a lone dot", arguments: [
        ("550 5.7.1 not you\r\n503 5.5.1 need MAIL\r\n503 5.5.1 need MAIL\r\n503 5.5.1 need MAIL\r\n", [String](),
         "bob@example.org 550 permanentFailure, carol@example.org 550 permanentFailure (final 550 5.7.1 not you)", false),
        ("250 2.1.0 Ok\r\n550 5.1.1 no\r\n550 5.1.1 no\r\n554 5.5.1 no valid recipients\r\n", [],
         "bob@example.org 550 permanentFailure, carol@example.org 550 permanentFailure (final 550 5.1.1 no)", true),
        ("250 2.1.0 Ok\r\n550 5.1.1 no\r\n451 4.3.0 later\r\n354 go\r\n", ["send: .", "readMore"],
         "bob@example.org 550 permanentFailure, carol@example.org 451 transientFailure (final 550 5.1.1 no)", true),
    ] as [(String, [String], String, Bool)])
    func pipelinedRefusals(replies: String, dot: [String], result: String, resetsNext: Bool) {
        var conversation = Conversation.ready(pipelining: true)
        _ = conversation.follow(conversation.machine.sendMessage(Conversation.twoRecipients))
        var actions = conversation.receive(replies)
        if !dot.isEmpty {
            #expect(actions == dot)
            actions = conversation.receive("554 5.5.1 no valid recipients\r\n")
        }
        #expect(actions == ["deliver: " + result, "awaitMessage"])
        let next = conversation.follow(conversation.machine.sendMessage(Conversation.message))
        let group = Self.mail + "|RCPT TO:<bob@example.org>|DATA"
        #expect(next == [(resetsNext ? "send: RSET|" + group.dropFirst(6) : group), "readMore"])
    }

    @Test("a message the server cannot take is not sent: SIZE, 8BITMIME, SMTPUTF8, no recipient")
    func notSent() {
        var ready = Conversation.ready()
        let large = SMTPClientMessage(reversePath: "a@b.c", recipients: ["d@e.f"], content: Array(repeating: 0x41, count: 5000))
        #expect(ready.follow(ready.machine.sendMessage(large)) == [
            "deliver: d@e.f [message larger than the server's SIZE 4096] permanentFailure (final none)", "awaitMessage",
        ])
        let nobody = SMTPClientMessage(reversePath: "a@b.c", recipients: [], content: [0x41])
        #expect(ready.follow(ready.machine.sendMessage(nobody)) == ["deliver:  (final none)", "awaitMessage"])

        var configuration = Conversation.configuration
        configuration.credentials = nil
        var plain = Conversation.ehloSent(configuration)
        _ = plain.receive("250-mx.test\r\n250 SIZE\r\n")
        let latin = SMTPClientMessage(reversePath: "a@b.c", recipients: ["d@e.f"], content: Array("café\r\n".utf8))
        #expect(plain.follow(plain.machine.sendMessage(latin)).first == "deliver: d@e.f [8-bit message and no 8BITMIME] permanentFailure (final none)")
        let utf8 = SMTPClientMessage(reversePath: "a@b.c", recipients: ["josé@e.f"], content: Array("x\r\n".utf8))
        #expect(plain.follow(plain.machine.sendMessage(utf8)).first == "deliver: josé@e.f [UTF-8 address and no SMTPUTF8] permanentFailure (final none)")
        #expect(plain.follow(plain.machine.sendMessage(Conversation.message)) == ["send: MAIL FROM:<alice@example.com> SIZE=21", "readMore"])
    }

    @Test("MAIL declares BODY=8BITMIME and SMTPUTF8 when needed and offered; no SIZE= when SIZE is not offered")
    func mailParameters() {
        var ready = Conversation.ready()
        let both = SMTPClientMessage(reversePath: "", recipients: ["josé@e.f"], content: Array("café\r\n".utf8))
        #expect(ready.follow(ready.machine.sendMessage(both)).first == "send: MAIL FROM:<> SIZE=7 BODY=8BITMIME SMTPUTF8")

        var configuration = Conversation.configuration
        configuration.credentials = nil
        configuration.tlsPolicy = .never
        var bare = Conversation.ehloSent(configuration)
        _ = bare.receive("250 mx.test\r\n")
        #expect(bare.follow(bare.machine.sendMessage(Conversation.message)).first == "send: MAIL FROM:<alice@example.com>")
    }

    @Test("a message handed over while another is in flight is returned unsent, and the first goes on")
    func notReady() {
        var conversation = Conversation.mailSent()
        #expect(conversation.follow(conversation.machine.sendMessage(Conversation.message)) == [
            "deliver: bob@example.org [session not ready for a message] transientFailure (final none)", "readMore",
        ])
        #expect(conversation.receive("250 2.1.0 Ok\r\n") == ["send: RCPT TO:<bob@example.org>", "readMore"])
    }
}
