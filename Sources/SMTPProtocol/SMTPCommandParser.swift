import EnvoiCore

/// Parses one command line (without its CRLF) into an ``SMTPCommand`` (RFC 5321 §4.1.1).
///
/// Verbs are case-insensitive (§2.4). A refused line throws the ``SMTPProtocolError`` whose
/// reply the client gets; address syntax is checked here, before any authorisation, so a
/// malformed address always gets `553` whatever else is wrong with it.
public enum SMTPCommandParser {
    /// RFC 5321 commands this server knows but does not offer: answered `502`, not `500`.
    private static let unimplementedVerbs: Set<String> = ["EXPN", "TURN", "ETRN", "ATRN", "BDAT", "SEND", "SOML", "SAML"]

    /// Parses `line`, the bytes of a command line without its terminating CRLF.
    ///
    /// - Parameter allowsUTF8Addresses: whether RCPT TO may hold a UTF-8 address, that is
    ///   whether the transaction's MAIL FROM carried `SMTPUTF8` (RFC 6531 §3.4). MAIL FROM
    ///   decides that for itself from its own parameters.
    public static func parse(
        _ line: some Collection<UInt8>, allowsUTF8Addresses: Bool = false
    ) throws(SMTPProtocolError) -> SMTPCommand {
        let bytes = Array(line)
        let verbEnd = bytes.firstIndex(of: UInt8(ascii: " ")) ?? bytes.endIndex
        let verbBytes = bytes[..<verbEnd]
        guard !verbBytes.isEmpty, verbBytes.allSatisfy(isASCIILetter) else {
            throw .commandUnrecognized
        }
        let verb = String(decoding: verbBytes, as: UTF8.self).uppercased()
        let argumentBytes = bytes[verbEnd...].drop { $0 == UInt8(ascii: " ") }
        // A CR, NUL or other control character has no place in a command (RFC 5321 §2.3.8);
        // letting one through would carry it into envelopes, logs and Received headers.
        guard !argumentBytes.contains(where: isForbiddenControl), isValidUTF8(argumentBytes) else {
            throw isKnownVerb(verb) ? .syntaxError : .commandUnrecognized
        }
        let arguments = trimmingTrailingBlanks(String(decoding: argumentBytes, as: UTF8.self))

        switch verb {
        case "HELO":
            return .hello(domain: try firstToken(of: arguments))
        case "EHLO":
            return .extendedHello(domain: try firstToken(of: arguments))
        case "MAIL":
            let path = try pathArgument(arguments, prefix: "FROM:")
            return try parseMail(path)
        case "RCPT":
            let path = try pathArgument(arguments, prefix: "TO:")
            return try parseRecipient(path, allowsUTF8: allowsUTF8Addresses)
        case "DATA":
            return try withoutArguments(arguments, .data)
        case "RSET":
            return try withoutArguments(arguments, .reset)
        case "STARTTLS":
            return try withoutArguments(arguments, .startTLS)
        case "NOOP":
            return .noop  // RFC 5321 §4.1.1.9: a NOOP argument is ignored.
        case "QUIT":
            return .quit
        case "HELP":
            return .help
        case "VRFY":
            guard !arguments.isEmpty else { throw .syntaxError }
            return .verify(String(arguments))
        case "AUTH":
            return try parseAuthenticate(arguments)
        default:
            throw unimplementedVerbs.contains(verb) ? .commandNotImplemented : .commandUnrecognized
        }
    }

    /// RFC 4954 §4: `AUTH mechanism [initial-response]`; anything else is a mismatch.
    private static func parseAuthenticate(_ arguments: Substring) throws(SMTPProtocolError) -> SMTPCommand {
        let tokens = arguments.split(separator: " ")
        guard (1...2).contains(tokens.count) else { throw .authenticationMechanismMismatch }
        return .authenticate(
            mechanism: SASLMechanism(rawValue: String(tokens[0])),
            initialResponse: tokens.count == 2 ? String(tokens[1]) : nil)
    }

    private static func firstToken(of arguments: Substring) throws(SMTPProtocolError) -> String {
        // RFC 5321 §4.1.1.1 wants a domain or address literal; clients send all sorts of names,
        // and the greeting only feeds the Received header, so any non-empty token is taken.
        guard let token = arguments.split(separator: " ").first else { throw .syntaxError }
        return String(token)
    }

    private static func withoutArguments(_ arguments: Substring, _ command: SMTPCommand) throws(SMTPProtocolError) -> SMTPCommand {
        guard arguments.isEmpty else { throw .syntaxError }
        return command
    }

    /// Strips `FROM:` or `TO:` and the blanks Postfix and its clients allow after the colon.
    private static func pathArgument(_ arguments: Substring, prefix: String) throws(SMTPProtocolError) -> Substring {
        // Compare only the prefix: upper-casing the whole line could change its length (ß → SS).
        guard arguments.prefix(prefix.count).uppercased() == prefix else { throw .syntaxError }
        let rest = arguments.dropFirst(prefix.count).drop { $0 == " " }
        guard !rest.isEmpty else { throw .syntaxError }
        return rest
    }

    private static func isKnownVerb(_ verb: String) -> Bool {
        ["HELO", "EHLO", "MAIL", "RCPT", "DATA", "RSET", "STARTTLS", "NOOP", "QUIT", "HELP", "VRFY", "AUTH"]
            .contains(verb) || unimplementedVerbs.contains(verb)
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    private static func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != UInt8(ascii: "\t")) || byte == 0x7F
    }

    /// Invalid UTF-8 is refused rather than decoded lossily, so that a replacement character
    /// never turns a malformed address into a valid SMTPUTF8 one.
    private static func isValidUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    private static func trimmingTrailingBlanks(_ text: String) -> Substring {
        var result = Substring(text)
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
