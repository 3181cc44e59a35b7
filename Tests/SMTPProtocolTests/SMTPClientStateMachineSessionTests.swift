import SMTPProtocol
import Testing

private let setup = [
    "220 mx.test ESMTP\r\n", ClientConversation.ehloBeforeTLS, "220 2.0.0 Ready to start TLS\r\n",
    ClientConversation.ehloAfterTLS, "235 2.7.0 Authentication successful\r\n",
]
private let setupTranscript = [
    "C: EHLO client.test", "C: STARTTLS", "[tls]", "C: EHLO client.test", "C: AUTH PLAIN AGFsaWNlAHMzY3JldA==",
]
private let mail = "MAIL FROM:<alice@example.com> SIZE=21"
private let content = "C: Subject: hi||body|."
private let messages = [ClientConversation.twoRecipients, ClientConversation.message, ClientConversation.message]

/// Whole sessions: several messages on one connection, RSET between them when needed, QUIT.
@Suite struct SMTPClientStateMachineSessionTests {
    @Test("a pipelined session with three messages: the transcript does not depend on how replies arrive",
          arguments: [1, 2, 3, 7, 64, 100_000])
    func pipelinedSession(chunkSize: Int) {
        let script = setup + [
            "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data\r\n", "250 2.0.0 Ok: queued as m1\r\n",
            "250 2.1.0 Ok\r\n550 5.1.1 no\r\n554 5.5.1 no valid recipients\r\n",
            "250 2.0.0 Ok\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n", "250 2.0.0 Ok: queued as m3\r\n",
            "221 2.0.0 Bye\r\n",
        ]
        #expect(ScriptedServer.run(script, messages: messages, chunkSize: chunkSize) == setupTranscript + [
            "C: \(mail)|RCPT TO:<bob@example.org>|RCPT TO:<carol@example.org>|DATA", content,
            "deliver: bob@example.org 250 accepted, carol@example.org 250 accepted (final 250 2.0.0 Ok: queued as m1)",
            "C: \(mail)|RCPT TO:<bob@example.org>|DATA",
            "deliver: bob@example.org 550 permanentFailure (final 550 5.1.1 no)",
            "C: RSET|\(mail)|RCPT TO:<bob@example.org>|DATA", content,
            "deliver: bob@example.org 250 accepted (final 250 2.0.0 Ok: queued as m3)",
            "C: QUIT", "[close]",
        ])
    }

    @Test("the same session without pipelining: one command per reply", arguments: [1, 5, 100_000])
    func sequentialSession(chunkSize: Int) {
        var configuration = ClientConversation.configuration
        configuration.usesPipelining = false
        let script = setup + [
            "250 2.1.0 Ok\r\n", "250 2.1.5 Ok\r\n", "250 2.1.5 Ok\r\n", "354 End data\r\n", "250 2.0.0 Ok: queued as m1\r\n",
            "250 2.1.0 Ok\r\n", "550 5.1.1 no\r\n",
            "250 2.0.0 Ok\r\n", "250 2.1.0 Ok\r\n", "250 2.1.5 Ok\r\n", "354 go\r\n", "250 2.0.0 Ok: queued as m3\r\n",
            "221 2.0.0 Bye\r\n",
        ]
        #expect(ScriptedServer.run(script, messages: messages, chunkSize: chunkSize, configuration: configuration) == setupTranscript + [
            "C: \(mail)", "C: RCPT TO:<bob@example.org>", "C: RCPT TO:<carol@example.org>", "C: DATA", content,
            "deliver: bob@example.org 250 accepted, carol@example.org 250 accepted (final 250 2.0.0 Ok: queued as m1)",
            "C: \(mail)", "C: RCPT TO:<bob@example.org>",
            "deliver: bob@example.org 550 permanentFailure (final 550 5.1.1 no)",
            "C: RSET", "C: \(mail)", "C: RCPT TO:<bob@example.org>", "C: DATA", content,
            "deliver: bob@example.org 250 accepted (final 250 2.0.0 Ok: queued as m3)",
            "C: QUIT", "[close]",
        ])
    }

    @Test("with resetsBetweenMessages every message after the first starts with RSET, pipelined with MAIL or before it",
          arguments: [true, false])
    func resetBetweenMessages(pipelined: Bool) {
        var configuration = ClientConversation.configuration
        configuration.resetsBetweenMessages = true
        configuration.usesPipelining = pipelined
        let first = pipelined ? ["250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n"] : ["250 2.1.0 Ok\r\n", "250 2.1.5 Ok\r\n", "354 go\r\n"]
        let second = pipelined ? ["250 2.0.0 Ok\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n"]
            : ["250 2.0.0 Ok\r\n", "250 2.1.0 Ok\r\n", "250 2.1.5 Ok\r\n", "354 go\r\n"]
        let script = setup + first + ["250 2.0.0 Ok: queued as m1\r\n"] + second + ["250 2.0.0 Ok: queued as m2\r\n", "221 2.0.0 Bye\r\n"]
        let transcript = ScriptedServer.run(script, messages: [ClientConversation.message, ClientConversation.message], chunkSize: 100_000,
                                            configuration: configuration)
        let sent = transcript.filter { $0.hasPrefix("C: ") && $0 != content }.dropFirst(setupTranscript.count - 1)
        #expect(Array(sent) == (pipelined
            ? ["C: \(mail)|RCPT TO:<bob@example.org>|DATA", "C: RSET|\(mail)|RCPT TO:<bob@example.org>|DATA", "C: QUIT"]
            : ["C: \(mail)", "C: RCPT TO:<bob@example.org>", "C: DATA", "C: RSET", "C: \(mail)", "C: RCPT TO:<bob@example.org>",
               "C: DATA", "C: QUIT"]))
        #expect(transcript.filter { $0.hasPrefix("deliver:") }.count == 2)
    }

    @Test("the server hanging up mid-transaction fails the message as transient; after QUIT it is the normal end")
    func hangUp() {
        let midTransaction = ScriptedServer.run(setup + ["250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n"],
                                                messages: [ClientConversation.message], chunkSize: 100_000)
        #expect(midTransaction.suffix(3) == [
            "[server hung up]", "deliver: bob@example.org [connection closed] transientFailure (final none)",
            "[close: connection closed]",
        ])
        let afterQuit = ScriptedServer.run(setup, messages: [], chunkSize: 100_000)
        #expect(afterQuit.suffix(3) == ["C: QUIT", "[server hung up]", "[close]"])
    }

    @Test("QUIT gets 221 and closes (RFC 5321 §4.1.1.10)")
    func quit() {
        var conversation = ClientConversation.ready()
        #expect(conversation.follow(conversation.machine.quit()) == ["send: QUIT", "readMore"])
        #expect(conversation.receive("221 2.0.0 Bye\r\n") == ["close"])
        #expect(conversation.machine.isClosed)
    }

    @Test("quitting while a message is in flight delivers it as cancelled first")
    func quitInFlight() {
        var conversation = ClientConversation.mailSent()
        #expect(conversation.follow(conversation.machine.quit()) == [
            "deliver: bob@example.org [cancelled] transientFailure (final none)", "send: QUIT", "readMore",
        ])
        #expect(conversation.receive("250 2.1.0 Ok\r\n") == ["close: cancelled"])
    }

    @Test("a timeout fails the message in flight and closes without QUIT (RFC 5321 §4.5.3.2)")
    func timeout() {
        var conversation = ClientConversation.mailSent()
        #expect(conversation.follow(conversation.machine.timeoutExpired()) == [
            "deliver: bob@example.org [timeout waiting for the server] transientFailure (final none)",
            "close: timeout waiting for the server",
        ])
        var quitting = ClientConversation.ready()
        _ = quitting.follow(quitting.machine.quit())
        #expect(quitting.follow(quitting.machine.timeoutExpired()) == ["close"])
    }

    @Test("a malformed reply fails the message in flight and closes: the stream cannot be trusted")
    func malformed() {
        var conversation = ClientConversation.mailSent()
        #expect(conversation.receive("hello there\r\n") == [
            "deliver: bob@example.org [malformed reply] transientFailure (final none)", "close: malformed reply",
        ])
    }

    @Test("a reply while idle (a 421 idle timeout) ends the session", arguments: [1, 100])
    func unsolicited(chunkSize: Int) {
        var conversation = ClientConversation.ready()
        let bytes = Array("421 4.4.2 idle timeout\r\n".utf8)
        var actions: [String] = []
        for start in stride(from: 0, to: bytes.count, by: chunkSize) {
            actions = conversation.follow(conversation.machine.receivedBytes(bytes[start..<min(start + chunkSize, bytes.count)]))
        }
        #expect(actions == ["close: unexpected reply: 421 4.4.2 idle timeout"])
    }

    @Test("after the close every event only repeats it; a message handed over is returned unsent")
    func afterClose() {
        var conversation = ClientConversation.ready()
        _ = conversation.follow(conversation.machine.quit())
        _ = conversation.receive("221 Bye\r\n")
        #expect(conversation.receive("250 late\r\n") == ["close"])
        #expect(conversation.follow(conversation.machine.connectionClosed()) == ["close"])
        #expect(conversation.follow(conversation.machine.sendMessage(ClientConversation.message)) == [
            "deliver: bob@example.org [connection closed] transientFailure (final none)", "close",
        ])
        #expect(conversation.follow(conversation.machine.quit()) == ["close"])
    }

    @Test("the connection closing before the greeting ends the session")
    func closedBeforeGreeting() {
        var conversation = ClientConversation.connected()
        #expect(conversation.follow(conversation.machine.connectionClosed()) == ["close: connection closed"])
    }
}
