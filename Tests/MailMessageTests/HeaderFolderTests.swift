import EnvoiCore
import Testing
@testable import MailMessage

@Suite("Folding header fields (RFC 5322 §2.2.3) and writing display names (§3.2.5)")
struct HeaderFolderTests {
    /// RFC 5322 §2.2.3 unfolding: remove each CRLF that precedes WSP.
    private func unfold(_ field: String) -> String {
        field.replacingOccurrences(of: "\r\n", with: "")
    }

    @Test("folds before the token that would pass 78 characters, never the first")
    func foldsTokens() {
        let tokens = Array(repeating: "word", count: 20)
        let folded = HeaderFolder.fold(name: "X-Words", tokens: tokens)
        #expect(folded == "X-Words: word word word word word word word word word word word word word word\r\n word word word word word word")
        let long = String(repeating: "y", count: 100)
        #expect(HeaderFolder.fold(name: "X-Long", tokens: [long, "z"]) == "X-Long: \(long)\r\n z")
    }

    @Test("unstructured values unfold to exactly what was given", arguments: [
        "  leading and trailing  ", "double  spaces  inside a value that is long enough to need folding here",
        "tab\tinside", "",
    ])
    func unstructuredRoundTrip(value: String) {
        let folded = HeaderFolder.foldUnstructured(name: "Subject", value: value)
        #expect(unfold(folded) == "Subject: \(value)")
        for line in folded.components(separatedBy: "\r\n") {
            #expect(!line.allSatisfy { $0 == " " || $0 == "\t" } || line.isEmpty)
        }
    }

    @Test("a word too long for one 998-octet line is written as encoded-words")
    func overlongWord() {
        let word = String(repeating: "a", count: 1_200)
        let folded = HeaderFolder.foldUnstructured(name: "X-Token", value: word)
        #expect(folded.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(EncodedWord.decode(unfold(folded).replacingOccurrences(of: "X-Token: ", with: "")) == word)
    }

    @Test("display names: atoms, quoted-strings with escapes, encoded-words", arguments: [
        ("Alice Example", "Alice Example <a@example.com>"),
        ("Doe, John", "\"Doe, John\" <a@example.com>"),
        ("Say \"hi\" \\ bye", "\"Say \\\"hi\\\" \\\\ bye\" <a@example.com>"),
        ("  padded  ", "\"  padded  \" <a@example.com>"),
        ("Zoë", "=?UTF-8?Q?Zo=C3=AB?= <a@example.com>"),
        ("Line\r\nBreak", "Line Break <a@example.com>"),
    ])
    func displayNames(name: String, written: String) throws {
        let mailbox = Mailbox(address: try #require(EmailAddress("a@example.com")), displayName: name)
        #expect(mailbox.description == written)
        let reread = try AddressListParser.parse(Array(written.utf8))
        #expect(reread.first?.displayName == name.replacingOccurrences(of: "\r\n", with: " "))
        #expect(reread.first?.address == mailbox.address)
    }

    @Test("an empty or blank display name writes the bare address")
    func noDisplayName() throws {
        let address = try #require(EmailAddress("a@example.com"))
        #expect(Mailbox(address: address, displayName: "   ").description == "a@example.com")
        #expect(Mailbox(address: address, displayName: nil).description == "a@example.com")
        #expect(HeaderFolder.foldAddressList(name: "To", mailboxes: [Mailbox(address: address), Mailbox(address: address)])
            == "To: a@example.com, a@example.com")
    }
}
