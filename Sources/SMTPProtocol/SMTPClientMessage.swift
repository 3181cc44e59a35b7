/// One message to send: its envelope and its content, as a client hands it to the session.
public struct SMTPClientMessage: Hashable, Sendable {
    /// The MAIL FROM reverse-path without angle brackets; empty for the null path `<>`
    /// (RFC 5321 §4.5.5, used by bounces).
    public var reversePath: String
    /// The RCPT TO forward-paths without angle brackets, in the order they are sent.
    public var recipients: [String]
    /// The RFC 5322 message with CRLF line ends, not dot-stuffed: the session stuffs it.
    public var content: [UInt8]

    /// A message for `recipients`.
    public init(reversePath: String, recipients: [String], content: [UInt8]) {
        self.reversePath = reversePath
        self.recipients = recipients
        self.content = content
    }

    /// True when the content has an octet above 127: it needs `BODY=8BITMIME` (RFC 6152 §3).
    public var requires8BitMIME: Bool { content.contains { $0 >= 0x80 } }

    /// True when an address is not ASCII: it needs `SMTPUTF8` (RFC 6531 §3.4).
    public var requiresSMTPUTF8: Bool {
        ([reversePath] + recipients).contains { $0.utf8.contains { $0 >= 0x80 } }
    }

    /// The size declared with `SIZE=` (RFC 1870 §3): the content with its final CRLF.
    public var declaredSize: Int { content.count + (content.suffix(2).elementsEqual([0x0D, 0x0A]) ? 0 : 2) }

    /// The content as sent after 354 (RFC 5321 §4.5.2): a period at the start of a line is
    /// doubled, the last line gets a CRLF when it has none, and `.` CRLF ends the data.
    ///
    /// A period counts as the start of a line after CRLF and also after a bare LF, so that a
    /// server which ends lines at LF cannot read a lone `.` that this client did not mean as
    /// the end of the data (the SMTP smuggling class, CVE-2023-51764).
    public var encodedData: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(content.count + content.count / 64 + 5)
        var atLineStart = true
        for byte in content {
            if atLineStart && byte == UInt8(ascii: ".") { output.append(byte) }
            output.append(byte)
            atLineStart = byte == 0x0A
        }
        if !output.isEmpty && !atLineStart {
            output.append(contentsOf: [0x0D, 0x0A])
        }
        output.append(contentsOf: [UInt8(ascii: "."), 0x0D, 0x0A])
        return output
    }

    /// The MAIL command with the parameters the server offered and this message needs:
    /// `SIZE=` whenever SIZE is offered (RFC 1870 §6), `BODY=8BITMIME` (RFC 6152 §2) and
    /// `SMTPUTF8` (RFC 6531 §3.4) when the content or an address needs them.
    func mailCommand(capabilities: SMTPServerCapabilities) -> [UInt8] {
        var line = "MAIL FROM:<\(reversePath)>"
        if capabilities.size != nil { line += " SIZE=\(declaredSize)" }
        if requires8BitMIME && capabilities.eightBitMIME { line += " BODY=8BITMIME" }
        if requiresSMTPUTF8 && capabilities.smtpUTF8 { line += " SMTPUTF8" }
        return Array((line + "\r\n").utf8)
    }

    /// `RCPT TO:<recipient>` for the recipient at `index`.
    func recipientCommand(_ index: Int) -> [UInt8] {
        Array("RCPT TO:<\(recipients[index])>\r\n".utf8)
    }

    /// Why this message cannot be sent to a server with these capabilities, if it cannot.
    func refusal(by capabilities: SMTPServerCapabilities) -> SMTPClientError? {
        if recipients.isEmpty { return .noRecipients }
        if !capabilities.accepts(byteCount: declaredSize) { return .messageTooLarge(limit: capabilities.size ?? 0) }
        if requires8BitMIME && !capabilities.eightBitMIME { return .eightBitMIMENotOffered }
        if requiresSMTPUTF8 && !capabilities.smtpUTF8 { return .smtpUTF8NotOffered }
        return nil
    }
}
