import Foundation
import MailMessage

extension HTTPAPI {
    /// Takes a submitEmail body the way the route does — JSON decoding, BEHAVIOUR.md §2's checks,
    /// composition of the RFC 5322 message — without a server: the whole path from untrusted JSON
    /// to message bytes, for the fuzzer (Fuzz/) and for tests.
    ///
    /// - Parameters:
    ///   - body: the request body.
    ///   - date: the Date header's moment (the route uses the current time).
    ///   - boundary: the MIME boundary (fixed, so that the result is reproducible).
    /// - Returns: the composed message, or the refusal the client would get.
    public static func composeSubmitEmail(_ body: [UInt8], date: Date = Date(timeIntervalSince1970: 0),
                                          boundary: String = "envoi-boundary") -> Result<[UInt8], APIError> {
        do {
            let checked = try JSONCoding.decode(SubmitEmailDetails.self, from: body).checked()
            let messageID = checked.messageID ?? MessageID.generate(domain: checked.from.address.domain)
            let draft = MessageDraft(from: checked.from, to: checked.to, cc: checked.cc, bcc: checked.bcc, replyTo: checked.replyTo,
                                     subject: checked.subject, body: checked.body, customHeaders: checked.customHeaders,
                                     messageID: messageID, date: MessageDate(date))
            return .success(MessageComposer.compose(draft, boundary: boundary))
        } catch let error as APIError {
            return .failure(error)
        } catch {
            return .failure(.internalServerError)
        }
    }
}
