import APIWire
import Foundation
import Testing

/// `SubmitEmail.compose`, the route's path from JSON to RFC 5322 bytes that the fuzzer
/// drives: what it composes, and that no field can inject a header line (BEHAVIOUR.md §2).
@Suite struct SubmitEmailComposeTests {
    static func body(subject: String = "Hi", name: String = "App", headers: [String: String] = [:]) -> [UInt8] {
        let object: [String: Any] = [
            "sender": ["senderAddress": ["email": "app@example.com", "name": name], "compartmentId": "ocid1.tenancy.envoi..aaaaaaaa"],
            "recipients": ["to": [["email": "one@example.org"]]], "subject": subject, "bodyText": "Hello", "headerFields": headers,
        ]
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    static func headerLines(_ message: [UInt8]) -> [String] {
        let text = String(decoding: message, as: UTF8.self)
        return text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
    }

    @Test func composesTheMessage() throws {
        let message = try SubmitEmail.compose(Self.body()).get()
        let lines = Self.headerLines(message)
        #expect(lines.contains { $0.hasPrefix("From: ") && $0.contains("app@example.com") })
        #expect(lines.contains("To: one@example.org"))
        #expect(lines.contains("Subject: Hi"))
    }

    @Test func aCustomHeaderValueWithCROrLFIsRefused() {
        for value in ["a\r\nBcc: victim@evil.example", "a\nBcc: victim@evil.example", "a\rb"] {
            guard case .failure(let error) = SubmitEmail.compose(Self.body(headers: ["X-Note": value])) else {
                Issue.record("accepted \(value.debugDescription)")
                continue
            }
            #expect(error.status == 400 && error.code == .invalidParameter)
        }
    }

    @Test(arguments: ["Hi\r\nBcc: victim@evil.example", "Hi\nBcc: victim@evil.example", "Hi\rBcc: victim@evil.example"])
    func noSubjectOrDisplayNameBecomesAHeaderLine(_ text: String) throws {
        for body in [Self.body(subject: text), Self.body(name: text)] {
            switch SubmitEmail.compose(body) {
            case .success(let message):
                #expect(!Self.headerLines(message).contains { $0.lowercased().hasPrefix("bcc:") })
                for (index, byte) in message.enumerated() where byte == 0x0A {
                    #expect(index > 0 && message[index - 1] == 0x0D)
                }
            case .failure(let error):
                #expect(error.status == 400)
            }
        }
    }

    @Test func refusalsAreValuesNotTraps() {
        for body in [[], Array("{".utf8), Array("[]".utf8), Array("{\"sender\":1}".utf8)] as [[UInt8]] {
            guard case .failure(let error) = SubmitEmail.compose(body) else {
                Issue.record("accepted \(body)")
                continue
            }
            #expect(error.status == 400)
        }
    }
}
