@testable import APIWire
import Foundation
import Testing

/// The direct parser of plain submitEmail bodies must decode exactly what `JSONDecoder` decodes,
/// and leave every other body (and so every refusal and its message) to `JSONDecoder`.
@Suite struct SubmitEmailDecodingTests {
    static let sdkBody = #"""
        {"messageId":"id-1@example.com","sender":{"senderAddress":{"email":"app@example.com","name":"App"},"compartmentId":"ocid1.tenancy.envoi..aaaaaaaa"},"recipients":{"to":[{"email":"a@example.org","name":"Ünïcode ✓"}],"cc":[{"email":"c@example.org"}],"bcc":[]},"subject":"Hello","bodyText":"Hi","bodyHtml":"<p>Hi</p>","replyTo":[{"email":"r@example.com"}],"headerFields":{"X-Campaign":"42"}}
        """#

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test(arguments: [
        sdkBody,
        // Whitespace of every kind, explicit nulls, escapes of every kind (a surrogate pair too).
        " {\n\t\"sender\" : {\"senderAddress\":{\"email\":\"app@example.com\",\"name\":null},\"compartmentId\":\"c\"} ,\r\n\"subject\":\"\\u00e9\\ud83d\\ude00\\n\\\"\\\\\\/\\b\\f\\r\\t\",\"bodyHtml\":null,\"replyTo\":null} ",
        #"{"subject":"x","recipients":null,"headerFields":{},"sender":null}"#,
        "{}",
        #"{"bodyText":"\u0000"}"#,
    ])
    func plainBodiesAreDecodedDirectlyAndAlike(body: String) throws {
        let plain = try #require(SubmitEmailDetails(plainJSON: Self.bytes(body)))
        #expect(plain == (try JSONBody.decode(SubmitEmailDetails.self, from: Self.bytes(body))))
        #expect(try SubmitEmailDetails.decode(from: Self.bytes(body)) == plain)
    }

    @Test(arguments: [
        #"{"subject":7}"#,                                   // a number
        #"{"subject":true}"#,                                // a boolean
        #"{"subject":"a","subject":"b"}"#,                   // a repeated key
        #"{"subjet":"typo"}"#,                               // an unknown field
        #"{"recipients":{"to":[null]}}"#,                    // a null element
        #"{"recipients":{"to":"x"}}"#,                       // a wrong type
        #"{"headerFields":{"X":null}}"#,                     // a null header value
        #"{"subject":"\ud83d"}"#,                            // a lone surrogate
        #"{"subject":"\q"}"#,                                // an unknown escape
        "{\"subject\":\"a\tb\"}",                            // an unescaped control character
        #"{"subject":"x"} x"#,                               // text after the value
        #"{"subject":"x",}"#,                                // a trailing comma
        #"[{"subject":"x"}]"#,                               // not an object
        "",
        #"{"subject":"x""#,                                  // unterminated
        #"{"replyTo":[[[[[[[[[[]]]]]]]]]]}"#,                // nested too deep
    ])
    func otherBodiesAreLeftToJSONDecoder(body: String) {
        #expect(SubmitEmailDetails(plainJSON: Self.bytes(body)) == nil)
        #expect(SubmitEmail.decodersAgree(Self.bytes(body)))
    }

    @Test func invalidUTF8IsLeftToJSONDecoder() {
        let body = Self.bytes(#"{"subject":""#) + [0xC3, 0x28] + Self.bytes(#""}"#)
        #expect(SubmitEmailDetails(plainJSON: body) == nil)
        #expect(throws: WireError.self) { try SubmitEmailDetails.decode(from: body) }
    }

    @Test func refusalsKeepJSONDecodersMessages() {
        #expect(throws: WireError.invalid("Invalid value for recipients.to[0].email: expected a string")) {
            try SubmitEmailDetails.decode(from: Self.bytes(#"{"recipients":{"to":[{"email":7}]}}"#))
        }
    }

    /// The fuzzer's seeds, which its mutations start from.
    @Test func theFuzzCorpusAgrees() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/Corpus/FuzzSubmitEmail")
        let files = try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
        #expect(!files.isEmpty)
        for file in files { #expect(SubmitEmail.decodersAgree(Array(try Data(contentsOf: file))), "\(file.lastPathComponent)") }
    }
}
