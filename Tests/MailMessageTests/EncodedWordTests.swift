import Testing
@testable import MailMessage

@Suite("RFC 2047 encoded-words")
struct EncodedWordTests {
    @Test("decodes the examples of RFC 2047 §8", arguments: [
        ("(=?ISO-8859-1?Q?a?=)", "(=?ISO-8859-1?Q?a?=)"),  // §5(2): only in a comment, not in unstructured text
        ("=?ISO-8859-1?Q?a?= b", "a b"),
        ("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=", "ab"),
        ("=?ISO-8859-1?Q?a?=  \t =?ISO-8859-1?Q?b?=", "ab"),
        ("=?ISO-8859-1?Q?a_b?=", "a b"),
        ("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=", "a b"),
        ("=?US-ASCII?Q?Keith_Moore?=", "Keith Moore"),
        ("=?ISO-8859-1?Q?Olle_J=E4rvinen?=", "Olle Järvinen"),
        ("=?UTF-8?B?Q2Fmw6kg4piVIHJlYWR5?=", "Café ☕ ready"),
        ("=?utf-8*en?q?Caf=C3=A9?=", "Café"),
        ("plain text", "plain text"),
        ("=?UTF-8?X?bad?=", "=?UTF-8?X?bad?="),
        ("=?UTF-8?Q?broken=Z?=", "=?UTF-8?Q?broken=Z?="),
    ])
    func decodes(encoded: String, expected: String) {
        #expect(EncodedWord.decode(encoded) == expected)
    }

    @Test("picks the shorter form: Q for mostly ASCII, B for mostly non-ASCII")
    func choosesForm() {
        #expect(EncodedWord.encode("Zoë Martin") == ["=?UTF-8?Q?Zo=C3=AB_Martin?="])
        #expect(EncodedWord.encode("Café ☕ ready") == ["=?UTF-8?B?Q2Fmw6kg4piVIHJlYWR5?="])
        #expect(EncodedWord.encode("café au lait = bon?") == ["=?UTF-8?Q?caf=C3=A9_au_lait_=3D_bon=3F?="])
        #expect(EncodedWord.encode("a=b?c_d") == ["=?UTF-8?B?YT1iP2NfZA==?="])
    }

    @Test("round-trips any text through encode and decode", arguments: [
        "Zoë Martin", "Café ☕ ready", "日本語のメールの件名はとても長くなることがありますので折り返しが必要です",
        "Ελληνικά και English μαζί σε ένα αρκετά μακρύ θέμα για να χρειαστεί αναδίπλωση",
        "emoji 👩‍👩‍👧‍👦 family and flags 🇫🇷🇩🇪 across word boundaries, repeated: 👩‍👩‍👧‍👦👩‍👩‍👧‍👦👩‍👩‍👧‍👦",
        "a=b?c_d \"quoted\" (parens) <angles>", "",
    ])
    func roundTrips(text: String) {
        let words = EncodedWord.encode(text, maximumLength: 40, firstMaximumLength: 30)
        #expect(EncodedWord.decode(words.joined(separator: " ")) == text)
        #expect(words.first.map { $0.utf8.count <= 30 } == true)
        #expect(words.allSatisfy { $0.utf8.count <= 40 && !$0.contains(" ") })
    }

    @Test("never splits a UTF-8 sequence between two words")
    func wholeScalarsPerWord() {
        let words = EncodedWord.encode(String(repeating: "é", count: 60))
        #expect(words.count > 1)
        for word in words {
            #expect(EncodedWord.decodeWord(Substring(word)) != nil, "\(word) decodes on its own")
            #expect(word.utf8.count <= EncodedWord.maximumLength)
        }
    }
}
