import SMTPProtocol
import Testing

private let plain = Conversation.alicePlain

/// A complete submission: the client's bytes, cut at STARTTLS, and the exact transcript.
private let submissionParts = [
    "EHLO client.test\r\nSTARTTLS\r\n",
    "EHLO client.test\r\nAUTH PLAIN \(plain)\r\n"
        + "MAIL FROM:<alice@example.com> SIZE=100\r\nRCPT TO:<bob@example.org>\r\n"
        + "RCPT TO:<suppressed@example.org>\r\nDATA\r\n"
        + "Subject: hello\r\n\r\n..dot\r\nbody\r\n.\r\n"
        + "MAIL FROM:<alice@example.com>\r\nRCPT TO:<carol@example.org>\r\nDATA\r\nS: 2\r\n.\r\nQUIT\r\n",
]

private let submissionTranscript = [
    "220 mx.envoi.test ESMTP Envoi",
    "250-mx.envoi.test|250-PIPELINING|250-SIZE 4096|250-STARTTLS|250-ENHANCEDSTATUSCODES|250-8BITMIME|250 SMTPUTF8",
    "220 2.0.0 Ready to start TLS [tls]",
    "250-mx.envoi.test|250-PIPELINING|250-SIZE 4096|250-AUTH PLAIN LOGIN|250-ENHANCEDSTATUSCODES|250-8BITMIME|250 SMTPUTF8",
    "[verify alice/s3cret]",
    "235 2.7.0 Authentication successful",
    "[authorize <alice@example.com>]",
    "250 2.1.0 Ok",
    "[check bob@example.org]",
    "250 2.1.5 Ok",
    "[check suppressed@example.org]",
    "254 4.7.1 Suppression for user ocid1.user.envoi..alice to suppressed@example.org",
    "354 End data with <CR><LF>.<CR><LF>",
    "[commit [\"bob@example.org\"] [\"suppressed@example.org\"] \"Subject: hello\\r\\n\\r\\n.dot\\r\\nbody\\r\\n\"]",
    "250 2.0.0 Ok: queued as m1",
    "[authorize <alice@example.com>]",
    "250 2.1.0 Ok",
    "[check carol@example.org]",
    "250 2.1.5 Ok",
    "354 End data with <CR><LF>.<CR><LF>",
    "[commit [\"carol@example.org\"] [] \"S: 2\\r\\n\"]",
    "250 2.0.0 Ok: queued as m2",
    "221 2.0.0 Bye [close]",
]

@Suite struct SMTPServerStateMachineSessionTests {
    @Test("a pipelined submission gives the same transcript byte by byte, in chunks and all at once",
          arguments: [1, 2, 7, 64, 100_000])
    func pipelinedSubmission(chunkSize: Int) {
        #expect(ScriptedClient.run(submissionParts, chunkSize: chunkSize) == submissionTranscript)
    }

    @Test("plaintext pipelined after STARTTLS is discarded, never run over TLS (CVE-2011-0411)")
    func startTLSInjection() {
        let transcript = ScriptedClient.run(
            ["EHLO c\r\nSTARTTLS\r\nMAIL FROM:<evil@example.com>\r\n", "NOOP\r\n"], chunkSize: 100_000)
        #expect(transcript.suffix(2) == ["220 2.0.0 Ready to start TLS [tls]", "250 2.0.0 Ok"])
    }

    @Test("bytes delivered during the TLS handshake are dropped")
    func bytesDuringHandshake() {
        var conversation = SessionStage.startingTLS.make()
        #expect(conversation.send("MAIL FROM:<evil@example.com>\r\n") == ["awaitResult"])
        #expect(conversation.follow(conversation.machine.tlsEstablished()) == ["readMore"])
        #expect(conversation.send("NOOP\r\n") == ["send: 250 2.0.0 Ok", "readMore"])
    }

    @Test("TLS forgets the greeting: AUTH right after the handshake needs EHLO again (RFC 3207 §4.2)")
    func tlsResetsGreeting() {
        var conversation = SessionStage.tlsNotGreeted.make()
        #expect(conversation.send("AUTH PLAIN \(plain)\r\n").first == "send: 503 5.5.1 Error: send HELO/EHLO first")
    }

    @Test("smuggled commands inside a refused DATA are never run")
    func smugglingThroughTheSession() {
        var conversation = SessionStage.receivingData.make()
        let smuggled = "Subject: x\r\n\r\nhi\n.\nMAIL FROM:<evil@x.test>\r\nRCPT TO:<v@y.test>\r\nDATA\r\nevil\r\n"
        #expect(conversation.send(smuggled) == ["readMore"])
        #expect(conversation.send("\r\n.\r\nRCPT TO:<bob@example.org>\r\n") == [
            "send: 554 5.6.0 Message contains bare CR or LF characters",
            "send: 503 5.5.1 Error: need MAIL command",
            "readMore",
        ])
    }

    @Test("commands pipelined after the final dot wait for the commit")
    func pipelinedAfterDot() {
        var conversation = SessionStage.receivingData.make()
        #expect(conversation.send("Subject: x\r\n\r\nhi\r\n.\r\nQUIT\r\n") == ["commitMessage: 1+0 rcpt, 18 bytes"])
        #expect(conversation.machine.nextAction() == .awaitResult)
        #expect(conversation.follow(conversation.machine.messageCommitted(id: "m1"))
            == ["send: 250 2.0.0 Ok: queued as m1", "sendAndClose: 221 2.0.0 Bye"])
    }

    @Test("a client that keeps sending while a result is pending is cut off")
    func heldInputLimit() {
        var conversation = Conversation.authenticated(configuration: SMTPServerConfiguration(
            hostname: "mx.envoi.test", maximumMessageSize: 4096, maximumHeldInputSize: 64))
        #expect(conversation.send("MAIL FROM:<alice@example.com>\r\n").first?.hasPrefix("authorizeSender") == true)
        #expect(conversation.send(String(repeating: "NOOP\r\n", count: 10)) == ["awaitResult"])
        #expect(conversation.send("NOOP\r\n") == [
            "sendAndClose: 421 4.5.0 Too much pipelined input, closing transmission channel"])
    }

    @Test("refused DATA content ends the transaction",
          arguments: [
            ("S: x\r\n\r\n" + String(repeating: "x", count: 1000) + "\r\n.\r\n", "500 5.5.2 Line too long"),
            ("\r\nno header\r\n.\r\n", "554 Message parse error"),
            ("S: x\r\n\r\n" + String(repeating: "0123456789abcdef\r\n", count: 300) + ".\r\n", "552 Exceeds byte limit"),
          ])
    func refusedDataEndsTransaction(content: String, reply: String) {
        var conversation = SessionStage.receivingData.make()
        #expect(conversation.send(content) == ["send: \(reply)", "readMore"])
        #expect(conversation.send("DATA\r\n").first == "send: 503 5.5.1 Error: need MAIL command")
    }

    @Test("a failed commit ends the transaction, so a new MAIL is not nested")
    func failedCommitEndsTransaction() {
        var conversation = SessionStage.committing.make()
        #expect(conversation.follow(conversation.machine.messageCommitFailed(.perDayLimitReached(limit: 5)))
            == ["send: 455 Maximum messages sent per day reached : limit is 5", "readMore"])
        #expect(conversation.send("MAIL FROM:<alice@example.com>\r\n").first?.hasPrefix("authorizeSender") == true)
    }

    @Test("a refused sender starts no transaction")
    func refusedSender() {
        var conversation = SessionStage.authorizingSender.make()
        _ = conversation.follow(conversation.machine.senderRejected(.authorizationFailed(address: "alice@example.com")))
        #expect(conversation.send("RCPT TO:<bob@example.org>\r\n").first == "send: 503 5.5.1 Error: need MAIL command")
    }

    @Test("a refused recipient does not count for DATA")
    func refusedRecipient() {
        var conversation = SessionStage.checkingRecipient.make()
        _ = conversation.follow(conversation.machine.recipientRejected(.perMinuteLimitReached(limit: 1)))
        #expect(conversation.send("DATA\r\n").first == "send: 503 Need RCPT command")
    }

    @Test("a suppressed recipient alone lets DATA proceed, and a repeat gets 254 again unasked")
    func suppressedRecipientAllowsData() {
        var conversation = SessionStage.checkingRecipient.make()
        _ = conversation.follow(conversation.machine.recipientSuppressed())
        #expect(conversation.send("RCPT TO:<Bob@EXAMPLE.org>\r\n").first
            == "send: 254 4.7.1 Suppression for user ocid1.user.envoi..alice to Bob@example.org")
        #expect(conversation.send("DATA\r\n").first == "send: 354 End data with <CR><LF>.<CR><LF>")
        #expect(conversation.send("S: x\r\n.\r\n") == ["commitMessage: 0+1 rcpt, 6 bytes"])
    }

    @Test("recipients past the limit get 452 4.5.3 Too many recipients")
    func recipientLimit() {
        let configuration = SMTPServerConfiguration(hostname: "mx.envoi.test", maximumRecipients: 2)
        let transcript = ScriptedClient.run([
            "EHLO c\r\nSTARTTLS\r\n",
            "EHLO c\r\nAUTH PLAIN \(plain)\r\nMAIL FROM:<alice@example.com>\r\n"
                + "RCPT TO:<a@example.org>\r\nRCPT TO:<suppressed@example.org>\r\nRCPT TO:<c@example.org>\r\n",
        ], chunkSize: 100_000, configuration: configuration)
        #expect(transcript.last == "452 4.5.3 Too many recipients")
        #expect(!transcript.contains("[check c@example.org]"))
    }

    @Test("SMTPUTF8 on MAIL FROM admits UTF-8 recipients; without it they get 553")
    func smtpUTF8Recipients() {
        var conversation = Conversation.authenticated()
        _ = conversation.send("MAIL FROM:<alice@example.com>\r\n")
        _ = conversation.follow(conversation.machine.senderAuthorized())
        #expect(conversation.send("RCPT TO:<josé@exemple.fr>\r\n").first == "send: 553 josé@exemple.fr Invalid email address")
        _ = conversation.send("RSET\r\nMAIL FROM:<alice@example.com> SMTPUTF8\r\n")
        _ = conversation.follow(conversation.machine.senderAuthorized())
        #expect(conversation.send("RCPT TO:<josé@exemple.fr>\r\n").first == "checkRecipient: josé@exemple.fr")
    }

    @Test("EHLO, HELO and RSET inside a transaction end it (RFC 5321 §4.1.4)",
          arguments: ["EHLO client.test", "HELO client.test", "RSET"])
    func resetsTransaction(line: String) {
        var conversation = SessionStage.withRecipient.make()
        _ = conversation.send(line + "\r\n")
        #expect(conversation.send("DATA\r\n").first == "send: 503 5.5.1 Error: need MAIL command")
        #expect(conversation.machine.authenticatedUserID == Conversation.userID)
    }

    @Test("without TLS available, STARTTLS is not implemented and AUTH still needs TLS")
    func noTLSAvailable() {
        var conversation = Conversation.connected(configuration: SMTPServerConfiguration(isTLSAvailable: false))
        _ = conversation.send("EHLO c\r\n")
        #expect(conversation.send("STARTTLS\r\n").first == "send: 502 5.5.1 Command not implemented")
        #expect(conversation.send("AUTH PLAIN \(plain)\r\n").first == "send: 530 5.7.0 Must issue a STARTTLS command first")
    }
}
