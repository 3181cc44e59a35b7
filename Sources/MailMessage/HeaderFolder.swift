/// Writes header fields folded to the line lengths of RFC 5322 §2.1.1 (78 characters wanted,
/// 998 octets at most) by breaking lines only at whitespace (§2.2.3 folding).
public enum HeaderFolder {
    /// RFC 5322 §2.1.1: lines SHOULD be no more than 78 characters, excluding the CRLF.
    public static let preferredLineLength = 78
    /// RFC 5322 §2.1.1: lines MUST be no more than 998 characters, excluding the CRLF.
    public static let maximumLineLength = 998

    /// The field `name: token token …` with a CRLF + space in place of a separating space
    /// wherever the line would otherwise pass `lineLength`; no trailing CRLF.
    ///
    /// Tokens are joined by one space. The first token always stays on the first line, and no
    /// line is broken before an empty token, so no line is ever whitespace only (RFC 5322 §4.2
    /// keeps those to the obsolete syntax).
    public static func fold(name: String, tokens: [String], lineLength: Int = preferredLineLength) -> String {
        var output = name + ":"
        var lineCount = output.utf8.count
        for (offset, token) in tokens.enumerated() {
            let length = token.utf8.count
            if offset > 0, !token.isEmpty, lineCount + 1 + length > lineLength {
                output += "\r\n"
                lineCount = 0
            }
            output += " " + token
            lineCount += 1 + length
        }
        return output
    }

    /// An unstructured field (RFC 5322 §3.2.5 `unstructured`: Subject, Comments, custom
    /// fields) folded at its spaces.
    ///
    /// Printable ASCII is written as is. Anything else (non-ASCII, control characters), a word
    /// too long for a 998-octet line, or text that looks like an encoded-word, is written as RFC 2047 encoded-words (RFC 2047 §5(1)),
    /// the first sized to fit after the field name. CR and LF in `value` become spaces, so a
    /// value can never start a new field.
    public static func foldUnstructured(name: String, value: String, lineLength: Int = preferredLineLength) -> String {
        let flattened = value.replacingLineBreaksWithSpaces()
        let prefixLength = name.utf8.count + 2
        let words = flattened.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let printable = flattened.utf8.allSatisfy { (32...126).contains($0) || $0 == .tab }
        let longest = words.map(\.utf8.count).max() ?? 0
        if printable, prefixLength + longest <= maximumLineLength, !words.contains(where: EncodedWord.looksEncoded) {
            return fold(name: name, tokens: words, lineLength: lineLength)
        }
        let encoded = EncodedWord.encode(
            flattened,
            maximumLength: min(EncodedWord.maximumLength, lineLength - 1),
            firstMaximumLength: lineLength - prefixLength
        )
        return fold(name: name, tokens: encoded, lineLength: lineLength)
    }

    /// An address field (From, To, Cc, Reply-To): the mailboxes separated by `, `, folded
    /// between words (RFC 5322 §3.4).
    public static func foldAddressList(name: String, mailboxes: [Mailbox], lineLength: Int = preferredLineLength) -> String {
        var tokens: [String] = []
        for (offset, mailbox) in mailboxes.enumerated() {
            var words = mailbox.headerTokens
            if offset < mailboxes.count - 1, let last = words.popLast() {
                words.append(last + ",")
            }
            tokens += words
        }
        return fold(name: name, tokens: tokens, lineLength: lineLength)
    }
}
