import SMTPProtocol
import Testing

@Suite struct SMTPClientMessageTests {
    static func encoded(_ content: String) -> String {
        let message = SMTPClientMessage(reversePath: "a@b.c", recipients: ["d@e.f"], content: Array(content.utf8))
        return String(decoding: message.encodedData, as: UTF8.self)
    }

    @Test("content is dot-stuffed and terminated (RFC 5321 §4.5.2)",
          arguments: [
            ("Subject: x\r\n\r\nbody\r\n", "Subject: x\r\n\r\nbody\r\n.\r\n"),
            (".starts\r\n", "..starts\r\n.\r\n"),
            ("a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n"),
            ("a\r\n..two\r\n", "a\r\n...two\r\n.\r\n"),
            ("no final line end", "no final line end\r\n.\r\n"),
            ("a.b\r\nc .d\r\n", "a.b\r\nc .d\r\n.\r\n"),
            ("bare\n.lf\r\n", "bare\n..lf\r\n.\r\n"),
            ("", ".\r\n"),
          ])
    func dotStuffing(content: String, wire: String) {
        #expect(Self.encoded(content) == wire)
    }

    @Test("SIZE counts the content with its final CRLF (RFC 1870 §3)")
    func declaredSize() {
        #expect(SMTPClientMessage(reversePath: "", recipients: [], content: Array("ab\r\n".utf8)).declaredSize == 4)
        #expect(SMTPClientMessage(reversePath: "", recipients: [], content: Array("ab".utf8)).declaredSize == 4)
    }

    @Test("8-bit content and UTF-8 addresses are recognised (RFC 6152, RFC 6531)")
    func needs() {
        let ascii = SMTPClientMessage(reversePath: "a@b.c", recipients: ["d@e.f"], content: Array("x\r\n".utf8))
        #expect(!ascii.requires8BitMIME && !ascii.requiresSMTPUTF8)
        let latin = SMTPClientMessage(reversePath: "a@b.c", recipients: ["d@e.f"], content: Array("café\r\n".utf8))
        #expect(latin.requires8BitMIME && !latin.requiresSMTPUTF8)
        let utf8 = SMTPClientMessage(reversePath: "a@b.c", recipients: ["josé@e.f"], content: Array("x\r\n".utf8))
        #expect(utf8.requiresSMTPUTF8)
    }

    @Test("EHLO keywords are read case-insensitively; unknown ones are ignored (RFC 5321 §4.1.1.1)")
    func capabilities() {
        let reply = SMTPReply(code: .ok, lines: [
            "mx.test greets you", "pipelining", "SIZE 35882577", "STARTTLS", "AUTH LOGIN PLAIN", "AUTH=CRAM-MD5",
            "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "X-UNKNOWN 1", "DSN",
        ])
        let capabilities = SMTPServerCapabilities(ehloReply: reply)
        #expect(capabilities.pipelining && capabilities.startTLS && capabilities.eightBitMIME)
        #expect(capabilities.enhancedStatusCodes && capabilities.smtpUTF8)
        #expect(capabilities.size == 35_882_577)
        #expect(capabilities.authenticationMechanisms == ["LOGIN", "PLAIN", "CRAM-MD5"])
    }

    @Test("the first EHLO line is the server's name, never a keyword")
    func firstLine() {
        let capabilities = SMTPServerCapabilities(ehloReply: SMTPReply(code: .ok, lines: ["PIPELINING"]))
        #expect(capabilities == SMTPServerCapabilities())
    }

    @Test("SIZE without a number or SIZE 0 means no limit (RFC 1870 §4)", arguments: ["SIZE", "SIZE 0"])
    func sizeWithoutLimit(line: String) {
        let capabilities = SMTPServerCapabilities(ehloReply: SMTPReply(code: .ok, lines: ["mx", line]))
        #expect(capabilities.size == 0)
        #expect(capabilities.accepts(byteCount: 1 << 40))
    }

    @Test("a SIZE limit accepts up to and including the limit")
    func sizeLimit() {
        let capabilities = SMTPServerCapabilities(ehloReply: SMTPReply(code: .ok, lines: ["mx", "SIZE 100"]))
        #expect(capabilities.accepts(byteCount: 100))
        #expect(!capabilities.accepts(byteCount: 101))
        #expect(SMTPServerCapabilities().accepts(byteCount: 1 << 40))
    }

    @Test("credentials never show the password")
    func credentialsDescription() {
        let credentials = SMTPClientCredentials(username: "alice", password: "s3cret")
        let configuration = SMTPClientConfiguration(credentials: credentials)
        #expect("\(credentials)" == "alice:***")
        #expect(!"\(configuration)".contains("s3cret"))
        #expect(!String(reflecting: configuration).contains("s3cret"))
    }

    @Test("errors say whether a retry may succeed")
    func errorClasses() {
        let transient = SMTPReply(code: .localError, text: "try later")
        let permanent = SMTPReply(code: .transactionFailed, text: "no")
        #expect(SMTPClientError.unexpectedReply(.mail, transient).isTransient)
        #expect(!SMTPClientError.unexpectedReply(.mail, permanent).isTransient)
        #expect(SMTPClientError.connectionClosed.isTransient && SMTPClientError.timeout.isTransient)
        #expect(!SMTPClientError.messageTooLarge(limit: 1).isTransient)
        #expect(!SMTPClientError.eightBitMIMENotOffered.isTransient)
        #expect(SMTPClientError.unexpectedReply(.mail, permanent).reply == permanent)
        #expect(SMTPClientError.timeout.reply == nil)
    }
}
