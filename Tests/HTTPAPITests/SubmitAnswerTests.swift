import APIWire
import Foundation
@testable import HTTPAPI
import Testing

/// The submit answers are written by hand; they must be the bytes `JSONEncoder` writes, since a
/// replayed answer (recorded by an older build) and a fresh one must not differ.
@Suite struct SubmitAnswerTests {
    /// Quotes, backslashes, slashes, every escaped control character, non-ASCII text, U+2028.
    static let awkward = "a\"b\\c/d\u{1}\u{8}\u{C}\n\r\t\u{1F}\u{7F} Ünïcode ✓ 😀 \u{2028}"

    @Test func submitEmailAnswersAsJSONEncoderDoes() throws {
        let answers = [
            EmailSubmittedResponse(messageId: "id/1@example.com", envelopeId: "ocid1.emailmessage.envoi..x", suppressedRecipients: []),
            EmailSubmittedResponse(messageId: Self.awkward, envelopeId: "e", suppressedRecipients: [
                EmailAddressDetails(email: "a@example.org", name: Self.awkward), EmailAddressDetails(email: "b@example.org"),
                EmailAddressDetails(name: "only a name"), EmailAddressDetails(),
            ]),
        ]
        for answer in answers {
            #expect(String(decoding: answer.json, as: UTF8.self) == String(decoding: try JSONCoding.encode(answer), as: UTF8.self))
        }
    }

    @Test func submitRawEmailAnswersAsJSONEncoderDoes() throws {
        let answers = [
            EmailRawSubmittedResponse(messageId: nil, envelopeId: "e", suppressedRecipients: []),
            EmailRawSubmittedResponse(messageId: Self.awkward, envelopeId: "e", suppressedRecipients: ["a@example.org", Self.awkward]),
        ]
        for answer in answers {
            #expect(String(decoding: answer.json, as: UTF8.self) == String(decoding: try JSONCoding.encode(answer), as: UTF8.self))
        }
    }
}
