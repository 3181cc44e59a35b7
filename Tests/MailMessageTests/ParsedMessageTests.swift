import Testing
@testable import MailMessage

@Suite("Parsing the header section (RFC 5322 §2.1, §2.2)")
struct ParsedMessageTests {
    private func parse(_ text: String, limits: ParsedMessage.Limits = .standard) throws -> ParsedMessage {
        try ParsedMessage(parsing: Array(text.utf8), limits: limits)
    }

    @Test("splits at the first empty line and keeps the body's octets")
    func splitsHeaderAndBody() throws {
        let message = try parse("From: a@example.com\r\nSubject: Hi\r\n\r\nLine 1\r\n\r\nLine 3\r\n")
        #expect(message.header.fields.map(\.name) == ["From", "Subject"])
        #expect(String(decoding: message.body, as: UTF8.self) == "Line 1\r\n\r\nLine 3\r\n")
        #expect(message.headerSectionByteCount == "From: a@example.com\r\nSubject: Hi\r\n".utf8.count)
    }

    @Test("unfolds continuation lines and keeps the raw octets for DKIM")
    func unfoldsFoldedFields() throws {
        let message = try parse("Subject: a long\r\n\tsubject\r\n  line\r\nTo: b@example.com\r\n\r\n")
        let subject = try #require(message.header.first(named: "subject"))
        #expect(subject.value == "a long\tsubject  line")
        #expect(subject.raw == Array("Subject: a long\r\n\tsubject\r\n  line".utf8))
        #expect(Array(subject.rawValue) == Array(" a long\r\n\tsubject\r\n  line".utf8))
    }

    @Test("looks fields up by name in any case and counts repeats")
    func caseInsensitiveLookup() throws {
        let message = try parse("received: x\r\nRECEIVED: y\r\nMessage-Id: <1@x>\r\n\r\n")
        #expect(message.header.count(named: "Received") == 2)
        #expect(message.header.fields(named: "received").map(\.value) == ["x", "y"])
        #expect(message.header.first(named: "MESSAGE-ID")?.value == "<1@x>")
        #expect(message.header.contains("Subject") == false)
    }

    @Test("tolerates whitespace between the name and the colon (obs-optional)")
    func whitespaceBeforeColon() throws {
        let message = try parse("B : Y\t\r\n\r\n")
        #expect(message.header.first(named: "b")?.value == "Y")
    }

    @Test("a message with no empty line is all header and no body")
    func headerOnly() throws {
        let message = try parse("From: a@example.com\r\nTo: b@example.com\r\n")
        #expect(message.header.fields.count == 2)
        #expect(message.body.isEmpty)
    }

    @Test("reads bare LF line breaks as well")
    func bareLineFeeds() throws {
        let message = try parse("From: a@example.com\nSubject: x\n y\n\nbody\n")
        #expect(message.header.first(named: "Subject")?.value == "x y")
        #expect(String(decoding: message.body, as: UTF8.self) == "body\n")
    }

    @Test("refuses a message with no header section", arguments: [
        "", "\r\n", "\r\nBody only\r\n", "Hello world\r\n\r\nbody", " continuation\r\nFrom: a@b.c\r\n\r\n",
        ": no name\r\n\r\n", "Bad Name: x\r\n\r\n",
    ])
    func noHeaderSection(text: String) {
        #expect(throws: MailMessageError.noHeaderSection) { try parse(text) }
        let error = (try? parse(text)) == nil
        #expect(error)
    }

    @Test("refuses a header line that is not a field, naming the line")
    func malformedLine() {
        #expect(throws: MailMessageError.malformedHeaderField(line: 2)) {
            try parse("From: a@example.com\r\nnot a header\r\n\r\nbody")
        }
        #expect(MailMessageError.malformedHeaderField(line: 2).isMessageParseError)
    }

    @Test("accepts a header section of exactly 256 KiB and refuses one octet more")
    func headerSizeLimit() throws {
        let limit = ParsedMessage.Limits.standard.maximumHeaderSectionBytes
        #expect(limit == 262_144)
        let prefix = "X-Filler: "
        func header(ofSize size: Int) -> String {
            prefix + String(repeating: "a", count: size - prefix.utf8.count - 2) + "\r\n"
        }
        let exact = try parse(header(ofSize: limit) + "\r\nbody")
        #expect(exact.headerSectionByteCount == limit)
        #expect(throws: MailMessageError.headerSectionTooLarge(limit: limit)) {
            try parse(header(ofSize: limit + 1) + "\r\nbody")
        }
        #expect(MailMessageError.headerSectionTooLarge(limit: limit).isMessageParseError)
    }

    @Test("refuses a huge header with no line break without reading all of it")
    func hugeUnbrokenHeader() {
        let limits = ParsedMessage.Limits(maximumHeaderSectionBytes: 100)
        let text = "X-A: " + String(repeating: "b", count: 10_000)
        #expect(throws: MailMessageError.headerSectionTooLarge(limit: 100)) { try parse(text, limits: limits) }
    }

    @Test("many small fields over the limit are refused too")
    func manyFieldsOverLimit() {
        let limits = ParsedMessage.Limits(maximumHeaderSectionBytes: 64)
        let text = String(repeating: "X-A: 1\r\n", count: 9) + "\r\nbody"
        #expect(throws: MailMessageError.headerSectionTooLarge(limit: 64)) { try parse(text, limits: limits) }
    }

    @Test("reads every From address, across fields and within one")
    func severalFromAddresses() throws {
        let message = try parse("From: Ann <ann@example.com>, bob@example.org\r\nFrom: carl@example.net\r\n\r\n")
        let addresses = try message.header.mailboxes(in: "From").map(\.address.description)
        #expect(addresses == ["ann@example.com", "bob@example.org", "carl@example.net"])
    }

    @Test("an invalid address in From is reported with its text")
    func invalidFromAddress() throws {
        let message = try parse("From: Ann <ann@@example.com>\r\n\r\n")
        #expect(throws: MailMessageError.invalidAddress("ann@@example.com")) {
            try message.header.mailboxes(in: "From")
        }
        #expect(MailMessageError.invalidAddress("x").invalidAddressText == "x")
        #expect(!MailMessageError.invalidAddress("x").isMessageParseError)
    }
}
