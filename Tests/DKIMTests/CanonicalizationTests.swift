import MailMessage
import Testing
@testable import DKIM

@Suite("Canonicalisation (RFC 6376 §3.4)")
struct CanonicalizationTests {
    /// RFC 6376 §3.4.5: the example message, with its header and body as given there.
    private static let example = "A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n"

    private func parse(_ text: String) throws -> ParsedMessage {
        try ParsedMessage(parsing: Array(text.utf8))
    }

    private func header(_ message: ParsedMessage, _ algorithm: CanonicalizationAlgorithm) -> String {
        String(decoding: message.header.fields.flatMap { algorithm.canonicalize($0) }, as: UTF8.self)
    }

    @Test("the §3.4.5 example, relaxed: header and body")
    func relaxedExample() throws {
        let message = try parse(Self.example)
        #expect(header(message, .relaxed) == "a:X\r\nb:Y Z\r\n")
        #expect(String(decoding: CanonicalizationAlgorithm.relaxed.canonicalize(body: message.body), as: UTF8.self)
            == " C\r\nD E\r\n")
    }

    @Test("the §3.4.5 example, simple: header and body")
    func simpleExample() throws {
        let message = try parse(Self.example)
        #expect(header(message, .simple) == "A: X\r\nB : Y\t\r\n\tZ  \r\n")
        #expect(String(decoding: CanonicalizationAlgorithm.simple.canonicalize(body: message.body), as: UTF8.self)
            == " C \r\nD \t E\r\n")
    }

    @Test("empty bodies: simple is one CRLF, relaxed is nothing (§3.4.3, §3.4.4)", arguments: [
        ("", "\r\n", ""),
        ("\r\n", "\r\n", ""),
        ("\r\n\r\n\r\n", "\r\n", ""),
        ("  \r\n\t\r\n", "  \r\n\t\r\n", ""),
        ("x", "x\r\n", "x\r\n"),
        ("x  ", "x  \r\n", "x\r\n"),
        ("a\r\n\r\nb\r\n\r\n", "a\r\n\r\nb\r\n", "a\r\n\r\nb\r\n"),
        (" leading\t tabs \r\n", " leading\t tabs \r\n", " leading tabs\r\n"),
    ])
    func bodies(body: String, simple: String, relaxed: String) {
        #expect(CanonicalizationAlgorithm.simple.canonicalize(body: Array(body.utf8)) == Array(simple.utf8))
        #expect(CanonicalizationAlgorithm.relaxed.canonicalize(body: Array(body.utf8)) == Array(relaxed.utf8))
    }

    @Test("relaxed header: case, folding, whitespace around the colon and at the end", arguments: [
        ("SUBJECT:  Hello   World  ", "subject:Hello World\r\n"),
        ("Subject:\r\n folded\r\n\tacross lines", "subject:folded across lines\r\n"),
        ("X-Empty:", "x-empty:\r\n"),
        ("X-Empty:   ", "x-empty:\r\n"),
        ("To : a@example.com", "to:a@example.com\r\n"),
    ])
    func relaxedHeaders(raw: String, expected: String) throws {
        let field = try #require(HeaderField(raw: Array(raw.utf8)))
        #expect(String(decoding: CanonicalizationAlgorithm.relaxed.canonicalize(field), as: UTF8.self) == expected)
        #expect(CanonicalizationAlgorithm.simple.canonicalize(field) == Array((raw + "\r\n").utf8))
    }

    @Test("reads c= values, defaulting the body to simple (§3.5)", arguments: [
        ("relaxed/relaxed", Canonicalization.relaxed),
        ("relaxed", Canonicalization(header: .relaxed, body: .simple)),
        ("simple/relaxed", Canonicalization(header: .simple, body: .relaxed)),
        ("Relaxed/Simple", Canonicalization(header: .relaxed, body: .simple)),
    ])
    func tagValues(value: String, expected: Canonicalization) {
        #expect(Canonicalization(tagValue: value) == expected)
    }

    @Test("refuses unknown c= values", arguments: ["nofws", "relaxed/", "/relaxed", "a/b/c", ""])
    func badTagValues(value: String) {
        #expect(Canonicalization(tagValue: value) == nil)
    }
}
