import Testing
@testable import MailMessage

@Suite("Quoted-printable (RFC 2045 §6.7) and line endings")
struct QuotedPrintableTests {
    @Test("escapes =, non-ASCII and trailing whitespace; keeps hard line breaks", arguments: [
        ("a=b", "a=3Db"),
        ("café", "caf=C3=A9"),
        ("trailing space \r\nnext", "trailing space=20\r\nnext"),
        ("tab\t\r\n", "tab=09\r\n"),
        ("inner  spaces stay", "inner  spaces stay"),
        ("", ""),
        ("\r\n\r\n", "\r\n\r\n"),
    ])
    func encodes(text: String, expected: String) {
        #expect(QuotedPrintable.encode(Array(text.utf8)) == expected)
    }

    @Test("breaks long lines with soft breaks at 76 characters, never inside =XX")
    func softBreaks() {
        let text = String(repeating: "a", count: 74) + "é" + String(repeating: "b", count: 100)
        let encoded = QuotedPrintable.encode(Array(text.utf8))
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= QuotedPrintable.maximumLineLength })
        #expect(lines[0] == String(repeating: "a", count: 74) + "=")
        #expect(lines[1].hasPrefix("=C3=A9b"))
        #expect(QuotedPrintable.decode(encoded) == Array(text.utf8))
    }

    @Test("a line of exactly 76 characters needs no soft break")
    func exactLine() {
        let line = String(repeating: "x", count: 76)
        #expect(QuotedPrintable.encode(Array(line.utf8)) == line)
        let longer = line + "y"
        #expect(QuotedPrintable.encode(Array(longer.utf8)) == String(repeating: "x", count: 75) + "=\r\nxy")
    }

    @Test("round-trips text with every kind of line", arguments: [
        "Hello,\r\nworld\r\n", "ünïcödé ✓ =3D literal\r\n  indented\r\nend with space ",
        String(repeating: "Lorem ipsum dolor sit amet, ", count: 20) + "\r\n",
    ])
    func roundTrips(text: String) {
        #expect(QuotedPrintable.decode(QuotedPrintable.encode(Array(text.utf8))) == Array(text.utf8))
    }

    @Test("decoding drops whitespace that transports add at line ends")
    func decodeTransportPadding() {
        #expect(QuotedPrintable.decode("abc  \r\ndef=\r\nghi") == Array("abc\r\ndefghi".utf8))
    }

    @Test("normalises LF, CR and CRLF to CRLF", arguments: [
        ("a\nb", "a\r\nb"), ("a\rb", "a\r\nb"), ("a\r\nb", "a\r\nb"), ("a\n\r\nb\r", "a\r\n\r\nb\r\n"),
        ("\r\r\n", "\r\n\r\n"),
    ])
    func lineEndings(text: String, expected: String) {
        #expect(LineEndings.crlf(text) == Array(expected.utf8))
    }

    @Test("chooses base64 when quoted-printable would triple most of the text")
    func transferEncodingChoice() {
        #expect(ContentTransferEncoding.preferred(for: Array("Bonjour, ça va ?".utf8)) == .quotedPrintable)
        #expect(ContentTransferEncoding.preferred(for: Array("日本語のテキスト".utf8)) == .base64)
        #expect(ContentTransferEncoding.base64.encode(Array("日本".utf8)) == "5pel5pys\r\n")
    }
}
