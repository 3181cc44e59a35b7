import EnvoiCore
import Foundation

/// An RFC 5322 §3.4 mailbox: an address with an optional display name.
public struct Mailbox: Hashable, Sendable, CustomStringConvertible {
    /// The display name as a person reads it (encoded-words decoded, quotes removed), or nil.
    public let displayName: String?
    /// The address.
    public let address: EmailAddress

    /// A mailbox; an empty or all-whitespace `displayName` counts as none.
    public init(address: EmailAddress, displayName: String? = nil) {
        self.address = address
        let trimmed = displayName?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.displayName = trimmed?.isEmpty == false ? displayName : nil
    }

    /// The mailbox as it is written in a header field, unfolded.
    public var description: String {
        headerTokens.joined(separator: " ")
    }

    /// RFC 2047 §2 allows 75 characters per encoded-word; 66 keeps `Reply-To: ` plus one word
    /// within the 76 characters RFC 2047 asks of lines that carry encoded-words.
    static let encodedWordLength = 66

    /// The words of this mailbox as a header writes them, each a place where the line may fold
    /// (RFC 5322 §3.2.2 FWS): the display name's words, then `<address>`; only the bare
    /// address when there is no name.
    var headerTokens: [String] {
        guard let name = displayName else { return [address.description] }
        return Self.phraseTokens(for: name) + ["<\(address.description)>"]
    }

    /// The longest name written as atoms or a quoted-string: with `Reply-To: ` before it, it
    /// still fits the 998-octet line of RFC 5322 §2.1.1 (neither form may be split).
    static let maximumUnencodedNameLength = 900

    /// RFC 5322 §3.2.5 phrase for `name`: atoms when every character is atext, a quoted-string
    /// when there are other printable ASCII characters (specials such as `,` or `.`), and
    /// RFC 2047 encoded-words for anything else (non-ASCII, control characters), for a name
    /// too long to stay within one 998-octet line, and for one that looks like an encoded-word.
    static func phraseTokens(for name: String) -> [String] {
        let flattened = name.replacingLineBreaksWithSpaces()
        let bytes = Array(flattened.utf8)
        let printable = bytes.allSatisfy { (32...126).contains($0) }
        let fitsOneLine = bytes.count <= maximumUnencodedNameLength
        let looksEncoded = flattened.split(separator: " ").contains(where: EncodedWord.looksEncoded)
        guard printable, fitsOneLine, !looksEncoded else {
            return EncodedWord.encode(flattened, maximumLength: encodedWordLength)
        }
        let words = flattened.split(separator: " ", omittingEmptySubsequences: false)
        let atomsOnly = words.allSatisfy { !$0.isEmpty && $0.utf8.allSatisfy(\.isAtext) }
        if atomsOnly {
            return words.map(String.init)
        }
        var quoted = "\""
        for character in flattened {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        quoted.append("\"")
        return [quoted]
    }
}

extension String {
    /// The text with each CR, LF or CRLF replaced by one space, so that it cannot end a header
    /// line (header injection).
    func replacingLineBreaksWithSpaces() -> String {
        var result = ""
        var previousWasCR = false
        for scalar in unicodeScalars {
            if scalar == "\n", previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = scalar == "\r"
            result.unicodeScalars.append(scalar == "\r" || scalar == "\n" ? " " : scalar)
        }
        return result
    }
}
