import Foundation

/// The configuration file format: a small, strict subset of TOML (v1.0) — `[section]` tables,
/// `key = value` pairs whose values are basic strings (`"…"` with `\"`, `\\`, `\n`, `\t` escapes),
/// literal strings (`'…'`), integers, booleans and one-line arrays of those, and `#` comments.
/// Anything else is refused with the line number, so a typo is never silently ignored.
public struct ConfigurationFile: Sendable, Equatable {
    /// `section.key` (or `key` before the first section) → the value as text; arrays are
    /// comma-joined, which is how list-valued keys are written in the environment and in flags.
    public private(set) var values: [String: String] = [:]
    /// The line each key was set on, for messages.
    public private(set) var lines: [String: Int] = [:]

    /// Parses `text`; `name` prefixes error messages (the file's path).
    public init(parsing text: String, name: String) throws(ConfigurationError) {
        var section: String?
        for (offset, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            func fail(_ problem: String) -> ConfigurationError { .file(name, line: number, problem) }
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line = line.dropLast() }
            let content = Self.stripComment(line).trimmingCharacters(in: .whitespaces)
            if content.isEmpty { continue }
            if content.hasPrefix("[") {
                guard content.hasSuffix("]"), !content.hasPrefix("[[") else { throw fail("malformed section header '\(content)'") }
                let name = content.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                guard Self.isBareKey(name) else { throw fail("invalid section name '\(name)'") }
                section = name
                continue
            }
            guard let equals = content.firstIndex(of: "=") else { throw fail("expected 'key = value', found '\(content)'") }
            let key = content[..<equals].trimmingCharacters(in: .whitespaces)
            guard Self.isBareKey(key) else { throw fail("invalid key '\(key)'") }
            let path = section.map { "\($0).\(key)" } ?? key
            guard values[path] == nil else { throw fail("'\(path)' is set twice (first on line \(lines[path]!))") }
            let valueText = content[content.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let value = Self.parseValue(valueText) else { throw fail("invalid value for '\(path)': \(valueText)") }
            values[path] = value
            lines[path] = number
        }
    }

    static func isBareKey(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }

    /// Drops a `#` comment that is not inside a string.
    static func stripComment(_ line: Substring) -> Substring {
        var quote: Character?
        var escaped = false
        for index in line.indices {
            let character = line[index]
            if let open = quote {
                if escaped { escaped = false } else if character == "\\" && open == "\"" { escaped = true } else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                return line[..<index]
            }
        }
        return line
    }

    static func parseValue(_ text: String) -> String? {
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else { return nil }
            var items: [String] = []
            var rest = Substring(text.dropFirst().dropLast())
            while true {
                rest = rest.drop(while: \.isWhitespace)
                if rest.isEmpty { break }
                guard let (item, remainder) = parseScalar(rest) else { return nil }
                items.append(item)
                rest = remainder.drop(while: \.isWhitespace)
                if rest.isEmpty { break }
                guard rest.first == "," else { return nil }
                rest = rest.dropFirst()
            }
            return items.joined(separator: ",")
        }
        guard let (value, rest) = parseScalar(Substring(text)), rest.allSatisfy(\.isWhitespace) else { return nil }
        return value
    }

    /// One string, integer or boolean at the start of `text`, and what follows it.
    static func parseScalar(_ text: Substring) -> (String, Substring)? {
        guard let first = text.first else { return nil }
        if first == "'" {
            let body = text.dropFirst()
            guard let close = body.firstIndex(of: "'") else { return nil }
            return (String(body[..<close]), body[body.index(after: close)...])
        }
        if first == "\"" {
            var result = ""
            var index = text.index(after: text.startIndex)
            while index < text.endIndex {
                let character = text[index]
                if character == "\"" { return (result, text[text.index(after: index)...]) }
                if character == "\\" {
                    index = text.index(after: index)
                    guard index < text.endIndex else { return nil }
                    switch text[index] {
                    case "\"": result.append("\"")
                    case "\\": result.append("\\")
                    case "n": result.append("\n")
                    case "t": result.append("\t")
                    default: return nil
                    }
                } else {
                    result.append(character)
                }
                index = text.index(after: index)
            }
            return nil
        }
        let end = text.firstIndex(where: { $0 == "," || $0.isWhitespace }) ?? text.endIndex
        let word = text[..<end]
        guard word == "true" || word == "false" || (Int(word.replacingOccurrences(of: "_", with: "")) != nil) else { return nil }
        return (word.replacingOccurrences(of: "_", with: ""), text[end...])
    }
}
