/// TXT record text for zone files and DNS: a record value longer than one character-string
/// (255 octets, RFC 1035 §3.3.14) is split into several, which resolvers join back
/// (RFC 6376 §3.6.2.2; RSA-2048 records are about 400 octets).
public enum TXTRecordText {
    /// RFC 1035 §3.3: a character-string holds at most 255 octets.
    public static let maximumCharacterStringLength = 255

    /// `value` cut into character-strings of at most `maximumLength` octets, never inside a
    /// UTF-8 sequence (DKIM records are ASCII, so this only matters for other TXT values).
    public static func characterStrings(_ value: String, maximumLength: Int = maximumCharacterStringLength) -> [String] {
        let limit = max(1, min(maximumLength, maximumCharacterStringLength))
        var strings: [String] = []
        var current = ""
        var currentLength = 0
        for scalar in value.unicodeScalars {
            let length = String(scalar).utf8.count
            if currentLength + length > limit {
                strings.append(current)
                current = ""
                currentLength = 0
            }
            current.unicodeScalars.append(scalar)
            currentLength += length
        }
        if !current.isEmpty || strings.isEmpty { strings.append(current) }
        return strings
    }

    /// The record data as a zone file writes it (RFC 1035 §5.1): each character-string quoted,
    /// `"` and `\` escaped, separated by spaces, in parentheses when there are several.
    public static func zoneFileData(_ value: String) -> String {
        let quoted = characterStrings(value).map { string in
            var escaped = "\""
            for character in string {
                if character == "\"" || character == "\\" { escaped.append("\\") }
                escaped.append(character)
            }
            return escaped + "\""
        }
        return quoted.count == 1 ? quoted[0] : "( " + quoted.joined(separator: " ") + " )"
    }

    /// A zone file line for `name` (absolute, with its final dot) holding `value`.
    public static func zoneFileRecord(name: String, value: String, ttl: Int? = nil) -> String {
        let ttlText = ttl.map { " \($0)" } ?? ""
        return "\(name)\(ttlText) IN TXT \(zoneFileData(value))"
    }
}
