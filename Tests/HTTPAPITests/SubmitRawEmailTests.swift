import EnvoiCore
@testable import EnvoiStore
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// `POST /20220926/actions/submitRawEmail`: the message as sent, the envelope in headers.
@Suite struct SubmitRawEmailTests {
    static let path = "/20220926/actions/submitRawEmail"
    static let message = "From: App <app@example.com>\nTo: one@example.org\nSubject: raw\nMessage-ID: <raw-1@example.com>\n\nHello\n"

    static func send(_ client: any TestClientProtocol, _ fixture: APIFixture, message: String = message, from: String = "app@example.com",
                     recipients: String = "one@example.org,gone@example.org", contentType: String = "message/rfc822") async throws -> TestResponse {
        let body = Array(message.utf8)
        var extra: HTTPFields = [:]
        extra[HTTPField.Name("sender")!] = from
        extra[HTTPField.Name("recipients")!] = recipients
        extra[HTTPField.Name("compartment-id")!] = fixture.tenancy.rawValue
        let headers = fixture.adminKey.headers(.post, path, body: body, contentType: contentType, extra: extra)
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }

    @Test func aRawMessageIsQueuedWithSuppressedRecipientsAsStrings() async throws {
        let fixture = try APIFixture()
        _ = try fixture.store.createSender(email: "app@example.com")
        _ = try fixture.store.addSuppression(email: "gone@example.org", reason: .complaint)
        try await fixture.withClient { client in
            let response = try await Self.send(client, fixture)
            #expect(response.status == .ok)
            #expect(response.object["messageId"] as? String == "raw-1@example.com")
            #expect(response.object["suppressedRecipients"] as? [String] == ["gone@example.org"])
            let queued = try SubmitEmailTests.queued(fixture)
            #expect(queued.count == 1)
            #expect(String(decoding: queued[0].2, as: UTF8.self).contains("Subject: raw\r\n"))
            // The same Message-ID again is a retry: the original answer, nothing queued.
            let again = try await Self.send(client, fixture)
            #expect(again.text == response.text)
            #expect(try SubmitEmailTests.queued(fixture).count == 1)
        }
    }

    @Test func anUnapprovedHeaderFromIsNotAuthorizedOrNotFound() async throws {
        let fixture = try APIFixture()
        _ = try fixture.store.createSender(email: "app@example.com")
        try await fixture.withClient { client in
            let forged = Self.message.replacingOccurrences(of: "From: App <app@example.com>", with: "From: ceo@example.com")
            let response = try await Self.send(client, fixture, message: forged)
            #expect(response.status == .notFound)
            #expect(response.message == "Authorization failed: address ceo@example.com not authorized or not found")
        }
    }

    @Test func refusesBadEnvelopes() async throws {
        let fixture = try APIFixture()
        _ = try fixture.store.createSender(email: "app@example.com")
        try await fixture.withClient { client in
            let type = try await Self.send(client, fixture, contentType: "text/plain")
            #expect(type.status == .badRequest && type.message == "Invalid value for content-type: expected message/rfc822 or message/global")
            let noRecipients = try await Self.send(client, fixture, recipients: " , ")
            #expect(noRecipients.code == "MissingParameter")
            #expect(noRecipients.message == "Required attribute recipients must contain to, cc or bcc recipients")
            let badRecipient = try await Self.send(client, fixture, recipients: "one@example.org,nope")
            #expect(badRecipient.message == "Invalid email address: nope")
            let noHeader = try await Self.send(client, fixture, message: "\nbody only\n")
            #expect(noHeader.status == .badRequest && noHeader.code == "InvalidParameter")
            #expect(try SubmitEmailTests.queued(fixture).isEmpty)
        }
    }
}
