import EnvoiCore

/// MAIL FROM and RCPT TO: paths and ESMTP parameters (RFC 5321 §4.1.2, RFC 1870, RFC 6152, RFC 6531).
extension SMTPCommandParser {
    /// `MAIL FROM:<reverse-path> [SP Mail-parameters]`.
    static func parseMail(_ argument: Substring) throws(SMTPProtocolError) -> SMTPCommand {
        let (path, wasBracketed, rest) = try splitPath(argument)
        // Parameters first: SMTPUTF8 decides whether the address may hold UTF-8 (RFC 6531 §3.4).
        let parameters = try parseMailParameters(rest)
        if path.isEmpty {
            // `<>` is the null reverse-path of RFC 5321 §4.5.5; a bare empty path is no path.
            guard wasBracketed else { throw .syntaxError }
            return .mail(from: .null, parameters: parameters)
        }
        return .mail(from: .mailbox(try mailbox(path, allowsUTF8: parameters.isSMTPUTF8)), parameters: parameters)
    }

    /// `RCPT TO:<forward-path> [SP Rcpt-parameters]`; no RCPT parameter is advertised.
    static func parseRecipient(_ argument: Substring, allowsUTF8: Bool) throws(SMTPProtocolError) -> SMTPCommand {
        let (path, _, rest) = try splitPath(argument)
        guard rest.split(separator: " ").isEmpty else { throw .parametersNotRecognized }
        return .recipient(to: try mailbox(path, allowsUTF8: allowsUTF8))
    }

    /// Validates a path's mailbox with the project's one address parser, dropping an RFC 5321
    /// §4.1.2 source route (`@relay,@relay:`), which §3.6.1 says to accept and ignore.
    private static func mailbox(_ path: Substring, allowsUTF8: Bool) throws(SMTPProtocolError) -> EmailAddress {
        var mailbox = path
        if mailbox.first == "@", let colon = mailbox.firstIndex(of: ":") {
            mailbox = mailbox[mailbox.index(after: colon)...]
        }
        guard let address = EmailAddress(String(mailbox), allowUTF8: allowsUTF8) else {
            throw .invalidAddress(String(path))
        }
        return address
    }

    /// Splits `<path> params` into the text between the brackets and the rest.
    ///
    /// A `>` inside a quoted local part does not close the path. Postfix accepts a path
    /// without brackets (`MAIL FROM:a@b`), and so does this parser; the address check then
    /// decides. An unclosed `<` makes the whole remainder the (invalid) address.
    private static func splitPath(_ argument: Substring) throws(SMTPProtocolError) -> (path: Substring, wasBracketed: Bool, rest: Substring) {
        guard argument.first == "<" else {
            let end = argument.firstIndex(of: " ") ?? argument.endIndex
            return (argument[..<end], false, argument[end...])
        }
        var inQuotes = false
        var escaped = false
        var index = argument.index(after: argument.startIndex)
        while index < argument.endIndex {
            let character = argument[index]
            if escaped {
                escaped = false
            } else if character == "\\" && inQuotes {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
            } else if character == ">" && !inQuotes {
                let path = argument[argument.index(after: argument.startIndex)..<index]
                let rest = argument[argument.index(after: index)...]
                // Text glued to the closing bracket (`<a@b>x`) is not a parameter list.
                guard rest.isEmpty || rest.first == " " else { throw .syntaxError }
                return (path, true, rest)
            }
            index = argument.index(after: index)
        }
        throw .invalidAddress(String(argument.dropFirst()))
    }

    /// `esmtp-param *(SP esmtp-param)`, `esmtp-keyword ["=" esmtp-value]`, keywords case-insensitive.
    private static func parseMailParameters(_ text: Substring) throws(SMTPProtocolError) -> MailParameters {
        var parameters = MailParameters()
        for parameter in text.split(separator: " ") {
            let keyword: Substring
            let value: Substring?
            if let equals = parameter.firstIndex(of: "=") {
                keyword = parameter[..<equals]
                value = parameter[parameter.index(after: equals)...]
            } else {
                keyword = parameter
                value = nil
            }
            switch keyword.uppercased() {
            case "SIZE":
                // RFC 1870 §3: size-value = 1*20DIGIT; a value too big for Int is over any limit.
                guard let value, (1...20).contains(value.count), value.allSatisfy(\.isASCIIDigit) else {
                    throw .syntaxError
                }
                parameters.declaredSize = Int(value) ?? Int.max
            case "BODY":
                guard let value, let body = MessageBody(rawValue: value.uppercased()) else { throw .syntaxError }
                parameters.body = body
            case "SMTPUTF8":
                guard value == nil else { throw .syntaxError }
                parameters.isSMTPUTF8 = true
            default:
                throw .parametersNotRecognized
            }
        }
        return parameters
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isWholeNumber }
}
