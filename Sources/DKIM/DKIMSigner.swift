import EnvoiCore
import Foundation
import MailMessage

/// Signs outgoing messages for one domain with one key (RFC 6376 §5), relaxed/relaxed, with
/// `rsa-sha256` or `ed25519-sha256` according to the key.
///
/// The result is a DKIM-Signature field to prepend to the message, folded to 78-character
/// lines: `v=1; a=…; c=relaxed/relaxed; d=…; s=…; t=…; h=…; bh=…; b=…`.
public struct DKIMSigner: Sendable {
    /// The signing domain, `d=`.
    public let domain: DomainName
    /// The selector, `s=`: the key record is at `<selector>._domainkey.<domain>`.
    public let selector: String
    /// The private key.
    public let privateKey: DKIMPrivateKey

    /// The fields signed when present, each as many times as it occurs (RFC 6376 §5.4.1 lists
    /// them among those that SHOULD be signed). From is listed once more than it occurs
    /// ("over-signing", §8.15), so that a From added later breaks the signature.
    public static let signedHeaderNames = [
        "From", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type", "Reply-To",
    ]

    /// A signer for `domain` with `selector` (one or more DNS labels, RFC 6376 §3.1).
    public init(domain: DomainName, selector: String, privateKey: DKIMPrivateKey) throws(DKIMError) {
        guard let name = DomainName(selector) else { throw .invalidSelector(selector) }
        self.domain = domain
        self.selector = name.value
        self.privateKey = privateKey
    }

    /// The DNS name of the key record: `<selector>._domainkey.<domain>` (RFC 6376 §3.6.2.1).
    public var keyRecordName: String {
        "\(selector)._domainkey.\(domain.value)"
    }

    /// The `h=` list for `header`: every occurrence of each of `signedHeaderNames`, lower-cased,
    /// and `from` once more.
    public func headerNamesToSign(in header: HeaderSection) -> [String] {
        var names: [String] = []
        for name in Self.signedHeaderNames {
            let count = header.count(named: name) + (name == "From" ? 1 : 0)
            names += Array(repeating: name.lowercased(), count: count)
        }
        return names
    }

    /// The message with its DKIM-Signature field prepended.
    public func sign(_ message: [UInt8], at time: Date) throws(DKIMError) -> [UInt8] {
        Array(try signatureField(for: message, at: time).utf8) + message
    }

    /// The DKIM-Signature field for `message` (CRLF line breaks), ending with CRLF so that it
    /// can be prepended as is.
    public func signatureField(for message: [UInt8], at time: Date) throws(DKIMError) -> String {
        let parsed: ParsedMessage
        do {
            parsed = try ParsedMessage(parsing: message)
        } catch {
            throw .unparseableMessage(error)
        }
        return try signatureField(for: parsed, at: time)
    }

    /// The DKIM-Signature field for a parsed message, ending with CRLF; `t=` is `time`.
    public func signatureField(for message: ParsedMessage, at time: Date) throws(DKIMError) -> String {
        let names = headerNamesToSign(in: message.header)
        let canonicalization = Canonicalization.relaxed
        let bodyHash = SigningInput.bodyHash(message.body, algorithm: canonicalization.body)
        var writer = SignatureFieldWriter()
        for tag in [
            "v=1", "a=\(privateKey.keyType.algorithmTag)", "c=\(canonicalization)", "d=\(domain.value)",
            "s=\(selector)", "t=\(Int(time.timeIntervalSince1970.rounded(.down)))",
        ] {
            writer.append(tag + ";", separator: " ")
        }
        for (offset, name) in names.enumerated() {
            let piece = (offset == 0 ? "h=" : "") + name + (offset == names.count - 1 ? ";" : ":")
            writer.append(piece, separator: offset == 0 ? " " : "")
        }
        writer.append("bh=\(Data(bodyHash).base64EncodedString());", separator: " ")
        writer.append("b=", separator: " ")
        let signature = try signatureValue(
            unsignedField: writer.text, message: message, signedNames: names, canonicalization: canonicalization)
        writer.appendBrokenAnywhere(Data(signature).base64EncodedString())
        return writer.text + "\r\n"
    }

    /// The `b=` octets for `unsignedField`, a complete DKIM-Signature field whose `b=` value is
    /// empty, written exactly as it will be sent (RFC 6376 §3.7). Exposed to the package so
    /// that published vectors, with their own tag order and folding, can be reproduced.
    package func signatureValue(
        unsignedField: String, message: ParsedMessage, signedNames: [String], canonicalization: Canonicalization
    ) throws(DKIMError) -> [UInt8] {
        guard let field = HeaderField(raw: Array(unsignedField.utf8)) else { throw .signingFailed }
        let selected = SigningInput.selectFields(message.header, names: signedNames)
        let data = SigningInput.headerData(selected, signatureField: field, algorithm: canonicalization.header)
        return try privateKey.sign(data)
    }
}

/// Builds the DKIM-Signature field line by line, folding before a piece that would pass
/// 78 characters (RFC 5322 §2.1.1). A fold is CRLF + one space, which RFC 6376 §3.2 allows
/// around tags, after the colons of `h=` and inside base64 values.
struct SignatureFieldWriter {
    static let lineLength = 78

    private(set) var text = "DKIM-Signature:"
    private var column = "DKIM-Signature:".utf8.count

    /// Appends `piece` after `separator` (a space or nothing), or on a new line if it would not fit.
    mutating func append(_ piece: String, separator: String) {
        if column + separator.utf8.count + piece.utf8.count > Self.lineLength, column > 1 {
            fold()
        } else {
            text += separator
            column += separator.utf8.count
        }
        text += piece
        column += piece.utf8.count
    }

    /// Appends a base64 value, filling each line to the limit.
    mutating func appendBrokenAnywhere(_ value: String) {
        var rest = Substring(value)
        while !rest.isEmpty {
            if column >= Self.lineLength { fold() }
            let chunk = rest.prefix(Self.lineLength - column)
            text += chunk
            column += chunk.utf8.count
            rest = rest.dropFirst(chunk.count)
        }
    }

    private mutating func fold() {
        text += "\r\n "
        column = 1
    }
}
