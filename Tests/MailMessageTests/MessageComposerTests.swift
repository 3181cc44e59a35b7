import EnvoiCore
import Foundation
import Testing
@testable import MailMessage

@Suite("Composing HTTPS submissions (SubmitEmailDetails → RFC 5322)")
struct MessageComposerTests {
    private func mailbox(_ address: String, _ name: String? = nil) throws -> Mailbox {
        Mailbox(address: try #require(EmailAddress(address)), displayName: name)
    }

    private func header(_ name: String, _ value: String) throws -> CustomHeader {
        try #require(CustomHeader.validate(name: name, value: value).header)
    }

    private let fixedDate = Date(timeIntervalSince1970: 1_709_296_496)

    private func textDraft() throws -> MessageDraft {
        MessageDraft(
            from: try mailbox("alice@example.com", "Alice Example"),
            to: [try mailbox("bob@example.org", "Bob")],
            cc: [try mailbox("john@example.net", "Doe, John")],
            bcc: [try mailbox("secret@example.net", "Hidden")],
            subject: "Hello, world",
            body: .text("Hi Bob,\nSee you at 10:00 = soon.\n"),
            customHeaders: [try header("X-Campaign", "spring")],
            messageID: try #require(MessageID("fixed-id@example.com")),
            date: MessageDate(fixedDate)
        )
    }

    @Test("writes a text message byte for byte")
    func textMessage() throws {
        let bytes = MessageComposer.compose(try textDraft(), boundary: "unused")
        let expected = """
            Date: Fri, 01 Mar 2024 12:34:56 +0000\r
            From: Alice Example <alice@example.com>\r
            To: Bob <bob@example.org>\r
            Cc: "Doe, John" <john@example.net>\r
            Subject: Hello, world\r
            Message-ID: <fixed-id@example.com>\r
            MIME-Version: 1.0\r
            X-Campaign: spring\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Hi Bob,\r
            See you at 10:00 =3D soon.\r

            """
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
    }

    @Test("writes multipart/alternative with encoded names and subject byte for byte")
    func alternativeMessage() throws {
        let draft = MessageDraft(
            from: try mailbox("zoe@example.fr", "Zoë Martin"),
            to: [try mailbox("ana@example.com")],
            replyTo: [try mailbox("support@example.fr")],
            subject: "Café ☕ ready",
            body: .alternative(text: "Le café est prêt.\n", html: "<p>Le café est prêt.</p>"),
            messageID: try #require(MessageID("m2@example.fr")),
            date: MessageDate(fixedDate, utcOffsetMinutes: 60)
        )
        let expected = """
            Date: Fri, 01 Mar 2024 13:34:56 +0100\r
            From: =?UTF-8?Q?Zo=C3=AB_Martin?= <zoe@example.fr>\r
            Reply-To: support@example.fr\r
            To: ana@example.com\r
            Subject: =?UTF-8?B?Q2Fmw6kg4piVIHJlYWR5?=\r
            Message-ID: <m2@example.fr>\r
            MIME-Version: 1.0\r
            Content-Type: multipart/alternative;\r
             boundary="=_b"\r
            \r
            --=_b\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            Le caf=C3=A9 est pr=C3=AAt.\r
            --=_b\r
            Content-Type: text/html; charset=utf-8\r
            Content-Transfer-Encoding: quoted-printable\r
            \r
            <p>Le caf=C3=A9 est pr=C3=AAt.</p>\r
            --=_b--\r

            """
        #expect(String(decoding: MessageComposer.compose(draft, boundary: "=_b"), as: UTF8.self) == expected)
    }

    @Test("never writes Bcc, and parses back to the same header values")
    func parsesBack() throws {
        let draft = try textDraft()
        let message = try ParsedMessage(parsing: MessageComposer.compose(draft))
        #expect(!message.header.contains("Bcc"))
        #expect(!String(decoding: message.bytes, as: UTF8.self).contains("secret@example.net"))
        #expect(try message.header.mailboxes(in: "From") == [draft.from])
        #expect(try message.header.mailboxes(in: "Cc") == draft.cc)
        #expect(message.header.first(named: "Message-ID")?.value == "<fixed-id@example.com>")
        #expect(draft.envelopeRecipients.map(\.description)
            == ["bob@example.org", "john@example.net", "secret@example.net"])
    }

    @Test("an html-only body is one text/html part")
    func htmlOnly() throws {
        var draft = try textDraft()
        draft.body = .html("<b>x</b>")
        let text = String(decoding: MessageComposer.compose(draft), as: UTF8.self)
        #expect(text.hasSuffix("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<b>x</b>\r\n"))
        #expect(MessageBody(text: nil, html: nil) == nil)
        #expect(MessageBody(text: "t", html: nil) == .text("t"))
        #expect(MessageBody(text: nil, html: "h") == .html("h"))
        #expect(MessageBody(text: "t", html: "h") == .alternative(text: "t", html: "h"))
    }

    @Test("folds long subjects and address lists at 78 and keeps every line CRLF-terminated", arguments: [
        "A fairly long subject line that goes on and on well past the seventy-eight character limit of RFC 5322",
        "Un sujet très long avec des accents, écrit en français, qui dépasse largement la limite de soixante-dix-huit caractères",
        "日本語の件名はとても長くなることがありますので、適切に折り返す必要がありますね。",
        String(repeating: "x", count: 2_000),
        "Injected\r\nBcc: victim@example.com",
        "=?UTF-8?B?bGl0ZXJhbA==?= is literal text",
    ])
    func foldsLongFields(subject: String) throws {
        var draft = try textDraft()
        draft.subject = subject
        draft.to = try (1...12).map { try mailbox("recipient\($0)@example.org", "Recipient Number \($0)") }
        draft.to.append(try mailbox("literal@example.org", "=?UTF-8?Q?not_encoded?="))
        let bytes = MessageComposer.compose(draft)
        let message = try ParsedMessage(parsing: bytes)
        let headerText = String(decoding: bytes[..<message.headerSectionByteCount], as: UTF8.self)
        let lines = headerText.components(separatedBy: "\r\n").dropLast()
        #expect(!headerText.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        for line in lines {
            #expect(line.utf8.count <= HeaderFolder.preferredLineLength, "\(line)")
            let blank = line.allSatisfy { $0.isWhitespace }
            #expect(!blank)
        }
        let decodedSubject = EncodedWord.decode(try #require(message.header.first(named: "Subject")).value)
        #expect(decodedSubject == subject.replacingOccurrences(of: "\r\n", with: " "))
        #expect(message.header.count(named: "Bcc") == 0)
        #expect(try message.header.mailboxes(in: "To") == draft.to)
    }

    @Test("keeps body lines within 998 octets and bodies intact", arguments: [
        String(repeating: "long line without breaks ", count: 200),
        String(repeating: "長い行", count: 500),
        "mixed\nline\rbreaks\r\nhere",
    ])
    func bodyLines(text: String) throws {
        var draft = try textDraft()
        draft.body = .text(text)
        let bytes = MessageComposer.compose(draft)
        let message = try ParsedMessage(parsing: bytes)
        let body = String(decoding: message.body, as: UTF8.self)
        #expect(body.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        let encoding = message.header.first(named: "Content-Transfer-Encoding")?.value
        let decoded: [UInt8] = encoding == "base64"
            ? Array(try #require(Data(base64Encoded: body, options: .ignoreUnknownCharacters)))
            : QuotedPrintable.decode(body)
        var expected = LineEndings.crlf(text)
        if encoding != "base64", expected.suffix(2) != [.cr, .lf] { expected += [.cr, .lf] }
        #expect(decoded == expected)
    }

    @Test("an empty part still ends with its own line before the delimiter (RFC 2046 §5.1.1)")
    func emptyParts() throws {
        var draft = try textDraft()
        draft.body = .alternative(text: "", html: "<p>x</p>")
        let text = String(decoding: MessageComposer.compose(draft, boundary: "=_b"), as: UTF8.self)
        #expect(text.contains("Content-Transfer-Encoding: quoted-printable\r\n\r\n\r\n--=_b\r\n"))
        draft.body = .text("")
        #expect(String(decoding: MessageComposer.compose(draft), as: UTF8.self).hasSuffix("quoted-printable\r\n\r\n\r\n"))
    }

    @Test("custom header values that are not ASCII are written as encoded-words")
    func customHeaderEncoding() throws {
        var draft = try textDraft()
        draft.customHeaders = [try header("X-Note", "naïve café"), try header("X-Plain", "a b")]
        let message = try ParsedMessage(parsing: MessageComposer.compose(draft))
        #expect(message.header.first(named: "X-Note")?.value == "=?UTF-8?B?bmHDr3ZlIGNhZsOp?=")
        #expect(EncodedWord.decode("=?UTF-8?B?bmHDr3ZlIGNhZsOp?=") == "naïve café")
        #expect(message.header.first(named: "X-Plain")?.value == "a b")
    }
}
