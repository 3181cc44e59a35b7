import EnvoiCore
import Foundation

/// Reads the mailboxes of an address header field (From, To, Cc, Reply-To) as RFC 5322 §3.4
/// writes them: `addr-spec`, `display-name <addr-spec>`, groups `name: a, b;`, comments,
/// quoted strings, and the obsolete forms of §4.4 that are still seen (routes, empty list
/// elements, a `.` in a display name).
public enum AddressListParser {
    private struct Token: Equatable {
        enum Kind: Equatable {
            /// A run of atext and dots (an atom or dot-atom); non-ASCII octets count as atext
            /// (RFC 6532 §3.2).
            case word
            /// A quoted-string, as written (with its quotes and backslashes).
            case quoted
            /// A domain-literal `[…]`, as written.
            case literal
            /// One of `< > : ; @ ,`.
            case special
        }

        let kind: Kind
        let bytes: [UInt8]
        /// Where the token lies in the field value, for error messages that quote the input.
        let range: Range<Int>

        func isSpecial(_ character: Unicode.Scalar) -> Bool {
            kind == .special && bytes == [UInt8(ascii: character)]
        }
    }

    /// The mailboxes of `value`, the text after the colon of an address field; groups
    /// contribute their members, an empty group nothing.
    public static func parse(_ value: some Collection<UInt8>, allowUTF8: Bool = false) throws(MailMessageError) -> [Mailbox] {
        let source = Array(value)
        let tokens = try tokenize(source)
        var mailboxes: [Mailbox] = []
        var index = 0
        while index < tokens.count {
            if tokens[index].isSpecial(",") {
                index += 1  // RFC 5322 §4.4 obs-addr-list: empty elements
                continue
            }
            if let colon = groupColon(tokens, from: index) {
                index = colon + 1
                while index < tokens.count, !tokens[index].isSpecial(";") {
                    if tokens[index].isSpecial(",") {
                        index += 1
                        continue
                    }
                    mailboxes.append(try mailbox(tokens, from: &index, source: source, allowUTF8: allowUTF8))
                }
                index += 1
            } else {
                mailboxes.append(try mailbox(tokens, from: &index, source: source, allowUTF8: allowUTF8))
            }
        }
        return mailboxes
    }

    /// The index of the `:` that opens a group, when the address at `start` is one: a colon
    /// that comes before any `<`, `@` or `,`.
    private static func groupColon(_ tokens: [Token], from start: Int) -> Int? {
        for index in start..<tokens.count {
            if tokens[index].isSpecial(":") { return index }
            if tokens[index].isSpecial("<") || tokens[index].isSpecial("@") || tokens[index].isSpecial(",") {
                return nil
            }
        }
        return nil
    }

    /// Reads one mailbox at `index`, up to the next top-level `,` or `;`, and moves past it.
    private static func mailbox(
        _ tokens: [Token], from index: inout Int, source: [UInt8], allowUTF8: Bool
    ) throws(MailMessageError) -> Mailbox {
        let first = index
        var phrase: [Token] = []
        var addressTokens: [Token] = []
        var inAngle = false
        var sawAngle = false
        while index < tokens.count {
            let token = tokens[index]
            if !inAngle, token.isSpecial(",") || token.isSpecial(";") { break }
            index += 1
            if token.isSpecial("<"), !sawAngle {
                inAngle = true
                sawAngle = true
            } else if token.isSpecial(">"), inAngle {
                inAngle = false
            } else if token.isSpecial(":"), inAngle {
                addressTokens = []  // RFC 5322 §4.4 obs-route `@a,@b:` before the address
            } else if inAngle {
                addressTokens.append(token)
            } else if !sawAngle {
                phrase.append(token)
            } else {
                throw .invalidAddress(written(tokens[first..<tokens.count], upTo: index, source: source))
            }
        }
        guard !inAngle else { throw .invalidAddress(written(tokens[first...], upTo: index, source: source)) }
        if !sawAngle { swap(&phrase, &addressTokens) }
        guard let addressText = addrSpec(addressTokens),
              let address = EmailAddress(addressText, allowUTF8: allowUTF8) else {
            throw .invalidAddress(written(addressTokens[...], upTo: nil, source: source))
        }
        return Mailbox(address: address, displayName: displayName(phrase))
    }

    /// The tokens' source text, from the first token up to (not including) `end` when given.
    private static func written(_ tokens: ArraySlice<Token>, upTo end: Int?, source: [UInt8]) -> String {
        let included = end.map { tokens.prefix($0 - tokens.startIndex) } ?? tokens
        guard let start = included.first?.range.lowerBound, let stop = included.last?.range.upperBound else {
            return ""
        }
        return String(decoding: source[start..<stop], as: UTF8.self)
    }

    /// An RFC 5322 §3.4.1 addr-spec written back without comments or folding; nil when two
    /// words meet without a dot between them (`a b@example.com`).
    private static func addrSpec(_ tokens: [Token]) -> String? {
        var bytes: [UInt8] = []
        var previous: Token?
        for token in tokens {
            if let previous, previous.kind != .special, token.kind != .special,
               previous.bytes.last != UInt8(ascii: "."), token.bytes.first != UInt8(ascii: ".") {
                return nil
            }
            bytes += token.bytes
            previous = token
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 5322 §3.2.5 phrase → the name a person reads: words joined by one space, quoted
    /// strings unquoted, encoded-words decoded (RFC 2047 §6.2: no space between two of them).
    private static func displayName(_ phrase: [Token]) -> String? {
        var name = ""
        var previousWasEncoded = false
        for token in phrase {
            var word = String(decoding: token.bytes, as: UTF8.self)
            var isEncoded = false
            if token.kind == .quoted {
                word = unquote(token.bytes)
            } else if token.kind == .word, let decoded = EncodedWord.decodeWord(Substring(word)) {
                word = decoded
                isEncoded = true
            }
            if !name.isEmpty, !(isEncoded && previousWasEncoded) { name += " " }
            name += word
            previousWasEncoded = isEncoded
        }
        return name.isEmpty ? nil : name
    }

    private static func unquote(_ quoted: [UInt8]) -> String {
        var bytes: [UInt8] = []
        var escaped = false
        for byte in quoted.dropFirst().dropLast() {
            if !escaped, byte == UInt8(ascii: "\\") {
                escaped = true
                continue
            }
            escaped = false
            if byte != .cr, byte != .lf { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Splits `bytes` into tokens, dropping whitespace and comments (RFC 5322 §3.2.2 CFWS).
    private static func tokenize(_ bytes: [UInt8]) throws(MailMessageError) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        let whole = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case .space, .tab, .cr, .lf:
                index += 1
            case UInt8(ascii: "("):
                var depth = 0
                repeat {
                    guard index < bytes.count else { throw .invalidAddress(whole) }
                    switch bytes[index] {
                    case UInt8(ascii: "\\"): index += 1
                    case UInt8(ascii: "("): depth += 1
                    case UInt8(ascii: ")"): depth -= 1
                    default: break
                    }
                    index += 1
                } while depth > 0
            case UInt8(ascii: "\""), UInt8(ascii: "["):
                let close = byte == UInt8(ascii: "\"") ? UInt8(ascii: "\"") : UInt8(ascii: "]")
                var end = index + 1
                while end < bytes.count, bytes[end] != close {
                    end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard end < bytes.count else { throw .invalidAddress(whole) }
                let kind: Token.Kind = byte == UInt8(ascii: "\"") ? .quoted : .literal
                tokens.append(Token(kind: kind, bytes: Array(bytes[index...end]), range: index..<(end + 1)))
                index = end + 1
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ":"), UInt8(ascii: ";"),
                 UInt8(ascii: "@"), UInt8(ascii: ","):
                tokens.append(Token(kind: .special, bytes: [byte], range: index..<(index + 1)))
                index += 1
            default:
                var end = index
                while end < bytes.count, isWordByte(bytes[end]) { end += 1 }
                guard end > index else { throw .invalidAddress(whole) }
                tokens.append(Token(kind: .word, bytes: Array(bytes[index..<end]), range: index..<end))
                index = end
            }
        }
        return tokens
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        byte.isAtext || byte == UInt8(ascii: ".") || byte >= 0x80
    }
}
