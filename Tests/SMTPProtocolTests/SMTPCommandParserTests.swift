import EnvoiCore
import SMTPProtocol
import Testing

/// A command line and what it parses to.
struct ParseRow: Sendable, CustomTestStringConvertible {
    let line: String
    let allowsUTF8: Bool
    let expected: SMTPCommand
    init(_ line: String, utf8: Bool = false, _ expected: SMTPCommand) {
        self.line = line
        self.allowsUTF8 = utf8
        self.expected = expected
    }
    var testDescription: String { line.debugDescription }
}

/// A command line and the reply its refusal gets.
struct RefusalRow: Sendable, CustomTestStringConvertible {
    let line: String
    let allowsUTF8: Bool
    let reply: String
    init(_ line: String, utf8: Bool = false, _ reply: String) {
        self.line = line
        self.allowsUTF8 = utf8
        self.reply = reply
    }
    var testDescription: String { line.debugDescription }
}

private func address(_ text: String, utf8: Bool = false) -> EmailAddress {
    EmailAddress(text, allowUTF8: utf8)!
}

let validCommandRows: [ParseRow] = [
    ParseRow("EHLO client.test", .extendedHello(domain: "client.test")),
    ParseRow("ehlo client.test", .extendedHello(domain: "client.test")),
    ParseRow("EhLo [192.0.2.1]", .extendedHello(domain: "[192.0.2.1]")),
    ParseRow("HELO client.test", .hello(domain: "client.test")),
    ParseRow("EHLO client.test  ", .extendedHello(domain: "client.test")),
    ParseRow("MAIL FROM:<alice@example.com>", .mail(from: .mailbox(address("alice@example.com")), parameters: MailParameters())),
    ParseRow("mail from:<alice@example.com>", .mail(from: .mailbox(address("alice@example.com")), parameters: MailParameters())),
    ParseRow("MAIL FROM: <alice@example.com>", .mail(from: .mailbox(address("alice@example.com")), parameters: MailParameters())),
    ParseRow("MAIL FROM:alice@example.com", .mail(from: .mailbox(address("alice@example.com")), parameters: MailParameters())),
    ParseRow("MAIL FROM:<>", .mail(from: .null, parameters: MailParameters())),
    ParseRow("MAIL FROM:<@relay.test,@other.test:alice@example.com>",
             .mail(from: .mailbox(address("alice@example.com")), parameters: MailParameters())),
    ParseRow("MAIL FROM:<\"odd>name\"@example.com>",
             .mail(from: .mailbox(address("\"odd>name\"@example.com")), parameters: MailParameters())),
    ParseRow("MAIL FROM:<alice@example.com> SIZE=1000 BODY=8BITMIME",
             .mail(from: .mailbox(address("alice@example.com")), parameters: MailParameters(declaredSize: 1000, body: .eightBitMIME))),
    ParseRow("MAIL FROM:<alice@example.com> body=7bit size=0",
             .mail(from: .mailbox(address("alice@example.com")), parameters: MailParameters(declaredSize: 0, body: .sevenBit))),
    ParseRow("MAIL FROM:<alice@example.com> SIZE=99999999999999999999",
             .mail(from: .mailbox(address("alice@example.com")), parameters: MailParameters(declaredSize: Int.max))),
    ParseRow("MAIL FROM:<élise@exemple.fr> SMTPUTF8",
             .mail(from: .mailbox(address("élise@exemple.fr", utf8: true)), parameters: MailParameters(isSMTPUTF8: true))),
    ParseRow("MAIL FROM:<> SMTPUTF8", .mail(from: .null, parameters: MailParameters(isSMTPUTF8: true))),
    ParseRow("RCPT TO:<bob@example.org>", .recipient(to: address("bob@example.org"))),
    ParseRow("rcpt to: <bob@Example.ORG>", .recipient(to: address("bob@example.org"))),
    ParseRow("RCPT TO:<josé@exemple.fr>", utf8: true, .recipient(to: address("josé@exemple.fr", utf8: true))),
    ParseRow("DATA", .data),
    ParseRow("data", .data),
    ParseRow("RSET", .reset),
    ParseRow("NOOP", .noop),
    ParseRow("NOOP anything at all", .noop),
    ParseRow("QUIT", .quit),
    ParseRow("HELP", .help),
    ParseRow("HELP MAIL", .help),
    ParseRow("VRFY bob", .verify("bob")),
    ParseRow("STARTTLS", .startTLS),
    ParseRow("starttls", .startTLS),
    ParseRow("AUTH PLAIN", .authenticate(mechanism: .plain, initialResponse: nil)),
    ParseRow("auth plain AGFsaWNlAHMzY3JldA==", .authenticate(mechanism: .plain, initialResponse: "AGFsaWNlAHMzY3JldA==")),
    ParseRow("AUTH LOGIN", .authenticate(mechanism: .login, initialResponse: nil)),
    ParseRow("AUTH CRAM-MD5", .authenticate(mechanism: SASLMechanism(rawValue: "cram-md5"), initialResponse: nil)),
    ParseRow("AUTH PLAIN =", .authenticate(mechanism: .plain, initialResponse: "=")),
]

let refusedCommandRows: [RefusalRow] = [
    RefusalRow("", "500 5.5.2 Syntax error, command unrecognized"),
    RefusalRow("FOO bar", "500 5.5.2 Syntax error, command unrecognized"),
    RefusalRow("GET / HTTP/1.1", "500 5.5.2 Syntax error, command unrecognized"),
    RefusalRow(" EHLO x", "500 5.5.2 Syntax error, command unrecognized"),
    RefusalRow("MAIL1 FROM:<a@b.c>", "500 5.5.2 Syntax error, command unrecognized"),
    RefusalRow("EXPN staff", "502 5.5.1 Command not implemented"),
    RefusalRow("TURN", "502 5.5.1 Command not implemented"),
    RefusalRow("BDAT 100 LAST", "502 5.5.1 Command not implemented"),
    RefusalRow("EHLO", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("HELO   ", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("EHLO client\rtest", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("NOOP \u{0}", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL TO:<a@b.c>", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL FROM:", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL FROM:<a@example.com>x", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL FROM:<a@example.com> SIZE=", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL FROM:<a@example.com> SIZE=12k", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL FROM:<a@example.com> BODY=BINARYMIME", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL FROM:<a@example.com> SMTPUTF8=yes", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL FROM:<a@example.com> RET=HDRS", "555 5.5.4 MAIL FROM/RCPT TO parameters not recognized or not implemented"),
    RefusalRow("MAIL FROM:<a@example.com> AUTH=<>", "555 5.5.4 MAIL FROM/RCPT TO parameters not recognized or not implemented"),
    RefusalRow("RCPT TO:<b@example.org> NOTIFY=NEVER", "555 5.5.4 MAIL FROM/RCPT TO parameters not recognized or not implemented"),
    RefusalRow("MAIL FROM:<not-an-address>", "553 not-an-address Invalid email address"),
    RefusalRow("MAIL FROM:<a@@example.com>", "553 a@@example.com Invalid email address"),
    RefusalRow("MAIL FROM:<a@example.com", "553 a@example.com Invalid email address"),
    RefusalRow("MAIL FROM:bare", "553 bare Invalid email address"),
    RefusalRow("MAIL FROM:<élise@exemple.fr>", "553 élise@exemple.fr Invalid email address"),
    RefusalRow("RCPT TO:<josé@exemple.fr>", "553 josé@exemple.fr Invalid email address"),
    RefusalRow("RCPT TO:<>", "553  Invalid email address"),
    RefusalRow("RCPT TO:<bob>", "553 bob Invalid email address"),
    RefusalRow("RCPT", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("MAIL ﬁROM:<a@example.com>", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("RCPT FROM:<b@example.org>", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("DATA now", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("RSET all", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("STARTTLS please", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("VRFY", "501 5.5.4 Syntax error in parameters or arguments"),
    RefusalRow("AUTH", "504 AUTH mechanism mismatch"),
    RefusalRow("AUTH   ", "504 AUTH mechanism mismatch"),
    RefusalRow("AUTH PLAIN abc def", "504 AUTH mechanism mismatch"),
]

@Suite struct SMTPCommandParserTests {
    @Test("a valid command line parses to its command", arguments: validCommandRows)
    func parsesValidLine(row: ParseRow) throws {
        #expect(try SMTPCommandParser.parse(Array(row.line.utf8), allowsUTF8Addresses: row.allowsUTF8) == row.expected)
    }

    @Test("a refused command line gets its reply", arguments: refusedCommandRows)
    func refusesInvalidLine(row: RefusalRow) {
        #expect(throws: (any Error).self) {
            try SMTPCommandParser.parse(Array(row.line.utf8), allowsUTF8Addresses: row.allowsUTF8)
        }
        do {
            _ = try SMTPCommandParser.parse(Array(row.line.utf8), allowsUTF8Addresses: row.allowsUTF8)
        } catch {
            #expect(error.reply.wireText == row.reply + "\r\n")
        }
    }

    @Test("invalid UTF-8 in the arguments is a syntax error, not a lossy address")
    func invalidUTF8() {
        let line = Array("MAIL FROM:<a".utf8) + [0xFF] + Array("@example.com> SMTPUTF8".utf8)
        #expect(throws: SMTPProtocolError.syntaxError) { try SMTPCommandParser.parse(line) }
    }

    @Test("the mechanism of AUTH is upper-cased and compared case-insensitively")
    func mechanismCase() {
        #expect(SASLMechanism(rawValue: "login") == .login)
        #expect(SASLMechanism(rawValue: "Plain").description == "PLAIN")
    }

    @Test("a reverse path knows its bare address")
    func reversePathDescription() {
        #expect(ReversePath.null.description == "")
        #expect(ReversePath.null.address == nil)
        #expect(ReversePath.mailbox(address("a@Example.com")).description == "a@example.com")
    }
}
