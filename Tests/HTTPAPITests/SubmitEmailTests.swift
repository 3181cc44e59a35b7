import EnvoiCore
@testable import EnvoiStore
import Foundation
import GRDB
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `POST /20220926/actions/submitEmail`: every row of BEHAVIOUR.md §2, through the same intake
/// as SMTP, with the message committed to the queue.
@Suite struct SubmitEmailTests {
    static let path = "/20220926/actions/submitEmail"

    static func body(_ fixture: APIFixture, sender: String = "app@example.com", to: String = #"[{"email":"one@example.org","name":"Ünïcode Name"}]"#,
                     extra: String = "") -> String {
        #"{"sender":{"senderAddress":{"email":"\#(sender)","name":"App"},"compartmentId":"\#(fixture.tenancy)"},"recipients":{"to":\#(to)},"subject":"Hello ✓","bodyText":"Hi there"\#(extra)}"#
    }

    static func queued(_ fixture: APIFixture) throws -> [(String, String, [UInt8])] {
        try fixture.store.read { db in
            try Row.fetchAll(db, sql: "SELECT id, envelope_sender, body FROM message ORDER BY time_received").map {
                ($0["id"], $0["envelope_sender"], [UInt8]($0["body"] as Data))
            }
        }
    }

    /// The Message-IDs the queue recorded (the intake takes them from the composer, unparsed).
    static func queuedMessageIDs(_ fixture: APIFixture) throws -> [String?] {
        try fixture.store.read { db in try String?.fetchAll(db, sql: "SELECT message_id FROM message ORDER BY time_received") }
    }

    @Test func anAcceptedSubmissionIsComposedAndQueued() async throws {
        let fixture = try APIFixture()
        _ = try fixture.store.createSender(email: "app@example.com")
        _ = try fixture.store.addSuppression(email: "gone@example.org", reason: .hardBounce)
        try await fixture.withClient { client in
            let to = #"[{"email":"one@example.org","name":"Ünïcode Name"},{"email":"gone@example.org","name":"Gone"}]"#
            let response = try await client.signed(fixture.adminKey, .post, Self.path,
                                                   json: Self.body(fixture, to: to, extra: #","headerFields":{"X-Campaign":"spring"}"#))
            #expect(response.status == .ok)
            let envelopeId = response.object["envelopeId"] as? String ?? ""
            #expect(envelopeId.hasPrefix("ocid1.emailmessage.envoi.."))
            #expect((response.object["messageId"] as? String)?.hasSuffix("@example.com") == true)
            #expect(response.object["suppressedRecipients"] as? [[String: String]] == [["email": "gone@example.org", "name": "Gone"]])
            let queued = try Self.queued(fixture)
            #expect(queued.count == 1 && queued[0].0 == envelopeId && queued[0].1 == "app@example.com")
            let message = String(decoding: queued[0].2, as: UTF8.self)
            #expect(message.contains("Subject: =?UTF-8?B?SGVsbG8g4pyT?="))
            #expect(message.contains("X-Campaign: spring"))
            #expect(message.contains("\r\nMIME-Version: 1.0\r\n"))
            // One Message-ID and one Date, the composer's: the intake adds none to its own message.
            let messageID = try #require(response.object["messageId"] as? String)
            #expect(message.components(separatedBy: "\r\nMessage-ID: <\(messageID)>\r\n").count == 2)
            #expect(message.components(separatedBy: "Message-ID:").count == 2)
            #expect(message.hasPrefix("Date: ") && message.components(separatedBy: "\r\nDate:").count == 1)
            #expect(try Self.queuedMessageIDs(fixture) == [messageID])
        }
    }

    @Test func aRepeatedMessageIdReturnsTheOriginalAnswerAndQueuesNothing() async throws {
        let fixture = try APIFixture()
        _ = try fixture.store.createSender(email: "app@example.com")
        try await fixture.withClient { client in
            let json = Self.body(fixture, extra: #","messageId":"retry-1@example.com""#)
            let first = try await client.signed(fixture.adminKey, .post, Self.path, json: json)
            let second = try await client.signed(fixture.adminKey, .post, Self.path, json: json)
            #expect(first.status == .ok && second.status == .ok)
            #expect(first.object["messageId"] as? String == "retry-1@example.com")
            #expect(first.text == second.text)
            #expect(try Self.queued(fixture).count == 1)
        }
    }

    @Test(arguments: [
        (#","messageId":"<bad id>""#, "", "InvalidParameter", "Message ID not formed per RFC 5322"),
        ("", #"[{"email":""}]"#, "InvalidParameter", "Email address cannot be null or empty"),
        ("", #"[{"email":"not-an-address"}]"#, "InvalidParameter", "Invalid email address: not-an-address"),
        ("", "[" + (0..<51).map { #"{"email":"r\#($0)@example.org"}"# }.joined(separator: ",") + "]", "InvalidParameter",
         "maxItems: 50, for recipients in To:, CC: and BCC: fields"),
        (#","headerFields":{" ":"x"}"#, "", "InvalidParameter", "Header key cannot be null or empty"),
        (#","headerFields":{"X-Ünï":"x"}"#, "", "InvalidParameter", "Custom email header keys must be ASCII only X-Ünï"),
        (#","headerFields":{"Subject":"x"}"#, "", "InvalidParameter", "Subject is a reserved email header that is not allowed"),
        (#","headerFields":{"X-Evil":"a\r\nBcc: victim@example.org"}"#, "", "InvalidParameter",
         "Custom email header values must not contain CR or LF characters X-Evil"),
        ("", "[]", "MissingParameter", "Required attribute recipients must contain to, cc or bcc recipients"),
        (#","subject":1"#, "", "InvalidParameter", "Invalid value for subject: expected a string"),
    ])
    func refusesEachBadInputWithItsExactMessage(extra: String, to: String, code: String, message: String) async throws {
        let fixture = try APIFixture()
        _ = try fixture.store.createSender(email: "app@example.com")
        let composed = to.isEmpty ? Self.body(fixture, extra: extra) : Self.body(fixture, to: to, extra: extra)
        let json = extra.hasPrefix(#","subject""#) ? composed.replacingOccurrences(of: #""subject":"Hello ✓","#, with: "") : composed
        try await fixture.withClient { client in
            let response = try await client.signed(fixture.adminKey, .post, Self.path, json: json)
            #expect(response.status == .badRequest)
            #expect(response.code == code)
            #expect(response.message == message)
            #expect(try Self.queued(fixture).isEmpty)
        }
    }

    @Test(arguments: [
        ("sender", "Required attribute sender cannot be empty or null"),
        ("compartmentId", "Required attribute sender compartmentId cannot be empty or null"),
        ("subject", "Required attribute subject cannot be empty or null"),
        ("bodyText", "Required attribute body (html/text) is missing. Request must contain bodyText or bodyHtml"),
    ])
    func refusesMissingAttributes(field: String, message: String) async throws {
        let fixture = try APIFixture()
        var object = try JSONSerialization.jsonObject(with: Data(Self.body(fixture).utf8)) as! [String: Any]
        if field == "compartmentId" {
            object["sender"] = ["senderAddress": ["email": "app@example.com"]]
        } else {
            object[field] = nil
        }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        try await fixture.withClient { client in
            let response = try await client.signed(fixture.adminKey, .post, Self.path, json: json)
            #expect(response.status == .badRequest)
            #expect(response.code == "MissingParameter")
            #expect(response.message == message)
        }
    }

    @Test func anUnapprovedSenderIsNotAuthorizedOrNotFound() async throws {
        let fixture = try APIFixture()
        let other = try fixture.store.createCompartment(name: "other")
        _ = try fixture.store.createSender(email: "elsewhere@example.com", compartment: other.id)
        try await fixture.withClient { client in
            for sender in ["stranger@example.com", "elsewhere@example.com"] {
                let response = try await client.signed(fixture.adminKey, .post, Self.path, json: Self.body(fixture, sender: sender))
                #expect(response.status == .notFound)
                #expect(response.code == "NotAuthorizedOrNotFound")
                #expect(response.message == "Authorization failed: address \(sender) not authorized or not found")
            }
        }
    }

    @Test func theSendLimitIsLimitExceeded() async throws {
        let fixture = try APIFixture()
        _ = try fixture.store.createSender(email: "app@example.com")
        _ = try fixture.store.setLimits(messagesPerMinute: 1)
        await fixture.intake.reloadLimits()  // as the server's LimitsReloader does every second
        try await fixture.withClient { client in
            #expect(try await client.signed(fixture.adminKey, .post, Self.path, json: Self.body(fixture)).status == .ok)
            let response = try await client.signed(fixture.adminKey, .post, Self.path, json: Self.body(fixture))
            #expect(response.status == .badRequest)
            #expect(response.code == "LimitExceeded")
            #expect(response.message == "Maximum messages sent per minute reached : limit is 1")
        }
    }

    @Test func aMessageOverTheSizeLimitIs413() async throws {
        let fixture = try APIFixture()
        _ = try fixture.store.createSender(email: "app@example.com")
        _ = try fixture.store.setLimits(maxMessageSize: 2_048)
        await fixture.intake.reloadLimits()  // as the server's LimitsReloader does every second
        try await fixture.withClient { client in
            let big = String(repeating: "x", count: 2_000)
            let composed = Self.body(fixture).replacingOccurrences(of: "Hi there", with: big)
            let response = try await client.signed(fixture.adminKey, .post, Self.path, json: composed)
            #expect(response.status == .contentTooLarge)
            #expect(response.code == "RequestEntityTooLarge")
            #expect(response.message == "Message exceeds byte limit : limit is 2048")
            let huge = Self.body(fixture).replacingOccurrences(of: "Hi there", with: String(repeating: "y", count: 5_000))
            let refused = try await client.signed(fixture.adminKey, .post, Self.path, json: huge)
            #expect(refused.status == .contentTooLarge)
            #expect(refused.message == "Message exceeds byte limit : limit is 2048")
            #expect(try Self.queued(fixture).isEmpty)
        }
    }

    @Test func malformedJSONIsInvalidParameter() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            for json in ["{", "[1,2]", #"{"recipients":{"to":"x"}}"#] {
                let response = try await client.signed(fixture.adminKey, .post, Self.path, json: json)
                #expect(response.status == .badRequest)
                #expect(response.code == "InvalidParameter")
            }
            let typed = try await client.signed(fixture.adminKey, .post, Self.path, json: #"{"recipients":{"to":[{"email":7}]}}"#)
            #expect(typed.message == "Invalid value for recipients.to[0].email: expected a string")
        }
    }
}
