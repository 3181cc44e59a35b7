import EnvoiCore
import Foundation

/// Writes the RFC 5322 message for an HTTPS submission: header fields folded to 78 characters,
/// RFC 2047 for non-ASCII text, MIME (RFC 2045, RFC 2046) UTF-8 bodies in quoted-printable or
/// base64, CRLF line breaks everywhere and no line over 998 octets.
public enum MessageComposer {
    /// A fresh MIME boundary. It starts with `=_`, which neither quoted-printable (where `=` is
    /// always followed by two hex digits or a line break) nor base64 can produce, so it never
    /// occurs in an encoded part (RFC 2046 §5.1.1).
    public static func makeBoundary() -> String {
        "=_envoi_" + RandomHex.string(bytes: 16)
    }

    /// The message for `draft`, ready for the queue (and for DKIM signing at delivery).
    ///
    /// Fields, in order: Date, From, Reply-To, To, Cc, Subject, Message-ID, MIME-Version, the
    /// custom headers, Content-Type, Content-Transfer-Encoding. Bcc is never written
    /// (RFC 5322 §3.6.3 allows either; writing none keeps the recipients private). Empty
    /// recipient lists and an empty Reply-To write no field.
    public static func compose(_ draft: MessageDraft, boundary: String = makeBoundary()) -> [UInt8] {
        var fields: [String] = [
            "Date: \(draft.date)",
            HeaderFolder.foldAddressList(name: "From", mailboxes: [draft.from]),
        ]
        for (name, mailboxes) in [("Reply-To", draft.replyTo), ("To", draft.to), ("Cc", draft.cc)]
        where !mailboxes.isEmpty {
            fields.append(HeaderFolder.foldAddressList(name: name, mailboxes: mailboxes))
        }
        fields.append(HeaderFolder.foldUnstructured(name: "Subject", value: draft.subject))
        fields.append("Message-ID: \(draft.messageID.bracketed)")
        fields.append("MIME-Version: 1.0")
        fields += draft.customHeaders.map(\.folded)

        var body = ""
        switch draft.body {
        case .text(let text):
            fields += part(text, subtype: "plain", into: &body)
        case .html(let html):
            fields += part(html, subtype: "html", into: &body)
        case .alternative(let text, let html):
            fields.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
            for (content, subtype) in [(text, "plain"), (html, "html")] {
                var encoded = ""
                let partFields = part(content, subtype: subtype, into: &encoded)
                body += "--\(boundary)\r\n" + partFields.joined(separator: "\r\n") + "\r\n\r\n" + encoded
            }
            body += "--\(boundary)--\r\n"
        }
        let header = fields.joined(separator: "\r\n") + "\r\n\r\n"
        return Array(header.utf8) + Array(body.utf8)
    }

    /// Appends `content` encoded to `body` and returns the Content-Type and
    /// Content-Transfer-Encoding fields that describe it.
    private static func part(_ content: String, subtype: String, into body: inout String) -> [String] {
        let bytes = LineEndings.crlf(content)
        let encoding = ContentTransferEncoding.preferred(for: bytes)
        body += encoding.encode(bytes)
        return [
            "Content-Type: text/\(subtype); charset=utf-8",
            "Content-Transfer-Encoding: \(encoding.rawValue)",
        ]
    }
}

/// The transfer encodings Envoi writes for UTF-8 text parts (RFC 2045 §6). Both keep every line
/// within 76 characters, so the message passes any 7-bit path and DKIM body hashes survive.
public enum ContentTransferEncoding: String, Hashable, Sendable {
    /// RFC 2045 §6.7: readable for mostly-ASCII text.
    case quotedPrintable = "quoted-printable"
    /// RFC 2045 §6.8: compact for text that is mostly non-ASCII.
    case base64

    /// Quoted-printable unless more than a third of the octets would need `=XX` (three
    /// characters each, against base64's four per three octets).
    public static func preferred(for bytes: [UInt8]) -> ContentTransferEncoding {
        let escaped = bytes.reduce(0) { count, byte in
            count + (((33...126).contains(byte) && byte != .equals) || byte.isWhitespace
                || byte == .cr || byte == .lf ? 0 : 1)
        }
        return escaped * 3 > bytes.count ? .base64 : .quotedPrintable
    }

    /// `bytes` (CRLF line breaks) encoded, ending with CRLF; empty content is one empty line, so
    /// that a MIME delimiter after it still has its own CRLF (RFC 2046 §5.1.1).
    public func encode(_ bytes: [UInt8]) -> String {
        var encoded: String
        switch self {
        case .quotedPrintable:
            encoded = QuotedPrintable.encode(bytes)
        case .base64:
            encoded = Data(bytes).base64EncodedString(
                options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        }
        if !encoded.hasSuffix("\r\n") { encoded += "\r\n" }
        return encoded
    }
}

/// Line break normalisation for text that becomes part of a message.
public enum LineEndings {
    /// `bytes` with every bare LF, bare CR and CRLF written as CRLF: the canonical form of text
    /// that RFC 2045 §6.7 and §6.8 encode, and the only line break RFC 5322 §2.1 knows.
    public static func crlf(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.underestimatedCount + 64)
        var previousWasCR = false
        for byte in bytes {
            switch byte {
            case .lf where previousWasCR:
                previousWasCR = false
            case .cr, .lf:
                output += [.cr, .lf]
                previousWasCR = byte == .cr
            default:
                output.append(byte)
                previousWasCR = false
            }
        }
        return output
    }

    /// `text` encoded as UTF-8 with CRLF line breaks.
    public static func crlf(_ text: String) -> [UInt8] {
        crlf(text.utf8)
    }
}
