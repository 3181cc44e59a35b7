import EnvoiCore
import Foundation
import MailMessage

/// submitEmail without a server: the route's whole path from untrusted JSON to message bytes.
public enum SubmitEmail {
    /// Takes a submitEmail body the way the route does — JSON decoding, BEHAVIOUR.md §2's checks,
    /// composition of the RFC 5322 message — for the fuzzer (Fuzz/) and for tests.
    ///
    /// - Parameters:
    ///   - body: the request body.
    ///   - date: the Date header's moment (the route uses the current time).
    ///   - boundary: the MIME boundary (fixed, so that the result is reproducible).
    /// - Returns: the composed message, or the refusal the client would get.
    public static func compose(_ body: [UInt8], date: Date = Date(timeIntervalSince1970: 0),
                               boundary: String = "envoi-boundary") -> Result<[UInt8], WireError> {
        do {
            let checked = try SubmitEmailDetails.decode(from: body).checked()
            let messageID = checked.messageID ?? MessageID.generate(domain: checked.from.address.domain)
            return .success(MessageComposer.compose(checked.draft(messageID: messageID, date: date), boundary: boundary))
        } catch {
            return .failure(error)
        }
    }
}

extension SubmitEmail {
    /// Whether the direct parser of plain bodies agrees with `JSONDecoder` on `body`: it either
    /// leaves the body to `JSONDecoder` or decodes exactly what `JSONDecoder` decodes. For the
    /// fuzzer (Fuzz/) and tests.
    public static func decodersAgree(_ body: [UInt8]) -> Bool {
        guard let plain = SubmitEmailDetails(plainJSON: body) else { return true }
        return (try? JSONBody.decode(SubmitEmailDetails.self, from: body)) == plain
    }
}

extension SubmitEmailDetails.Checked {
    /// The message to compose, as the route and `SubmitEmail.compose` both build it.
    package func draft(messageID: MessageID, date: Date) -> MessageDraft {
        MessageDraft(from: from, to: to, cc: cc, bcc: bcc, replyTo: replyTo, subject: subject, body: body,
                     customHeaders: customHeaders, messageID: messageID, date: MessageDate(date))
    }
}
