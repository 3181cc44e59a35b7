import EnvoiCore
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Request signing at the router: every check of spec/OCI-API.md §7 answers 401 NotAuthenticated
/// with a message naming the check, and a correct signature passes.
@Suite struct SignatureTests {
    static let configurationPath = "/20170907/configuration?compartmentId="

    @Test func aSignedGetPassesAndEchoesTheRequestID() async throws {
        let fixture = try APIFixture()
        let target = Self.configurationPath + fixture.tenancy.rawValue
        try await fixture.withClient { client in
            let response = try await client.signed(fixture.adminKey, .get, target, extra: [HTTPField.Name("opc-request-id")!: "client-id/1"])
            #expect(response.status == .ok)
            #expect(response.headers[HTTPField.Name("opc-request-id")!] == "client-id/1")
            #expect(response.object["compartmentId"] as? String == fixture.tenancy.rawValue)
            #expect(response.object["httpSubmitEndpoint"] as? String == "https://localhost")
            #expect(response.object["smtpSubmitEndpoint"] as? String == "127.0.0.1:2587")
        }
    }

    @Test func anUnsignedRequestIsRefusedWithAGeneratedRequestID() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let response = try await client.execute(uri: Self.configurationPath + fixture.tenancy.rawValue, method: .get)
            #expect(response.status == .unauthorized)
            #expect(response.code == "NotAuthenticated")
            #expect(response.message?.hasPrefix("Missing signature") == true)
            let id = response.headers[HTTPField.Name("opc-request-id")!] ?? ""
            #expect(id.count == 32 && id.allSatisfy { $0.isHexDigit && !$0.isLowercase })
        }
    }

    @Test func aTamperedTargetIsABadSignature() async throws {
        let fixture = try APIFixture()
        let target = Self.configurationPath + fixture.tenancy.rawValue
        try await fixture.withClient { client in
            let headers = fixture.adminKey.headers(.get, target)
            let response = try await client.execute(uri: target + "&limit=1", method: .get, headers: headers)
            #expect(response.status == .unauthorized)
            #expect(response.message == "Bad signature: the signature does not verify with the registered key")
            #expect(!response.text.contains(headers[.authorization]!.split(separator: "\"")[7]))
        }
    }

    @Test func aStaleDateIsRefused() async throws {
        let fixture = try APIFixture()
        let target = Self.configurationPath + fixture.tenancy.rawValue
        try await fixture.withClient { client in
            for skew in [-310.0, 310.0] {
                let headers = fixture.adminKey.headers(.get, target, date: Date().addingTimeInterval(skew))
                let response = try await client.execute(uri: target, method: .get, headers: headers)
                #expect(response.status == .unauthorized)
                #expect(response.message?.hasPrefix("Stale date") == true)
            }
            let fresh = try await client.execute(uri: target, method: .get, headers: fixture.adminKey.headers(.get, target, date: Date().addingTimeInterval(-240)))
            #expect(fresh.status == .ok)
        }
    }

    @Test func anUnknownKeyIsRefused() async throws {
        let fixture = try APIFixture()
        let target = Self.configurationPath + fixture.tenancy.rawValue
        let stranger = Signer(key: APIFixture.otherPrivateKey, keyId: "\(fixture.tenancy)/\(fixture.bootstrap.adminUser.id)/00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff")
        let otherTenancy = Signer(key: APIFixture.adminPrivateKey, keyId: fixture.adminKey.keyId.replacingOccurrences(of: fixture.tenancy.rawValue, with: "ocid1.tenancy.envoi..zzzzzzzzzzzz"))
        try await fixture.withClient { client in
            for signer in [stranger, otherTenancy] {
                let response = try await client.signed(signer, .get, target)
                #expect(response.status == .unauthorized)
                #expect(response.message?.hasPrefix("Unknown key") == true)
            }
        }
    }

    @Test func aBodyThatDoesNotMatchItsDigestIsRefused() async throws {
        let fixture = try APIFixture()
        let json = #"{"compartmentId":"\#(fixture.tenancy)","emailAddress":"a@example.com"}"#
        try await fixture.withClient { client in
            let headers = fixture.adminKey.headers(.post, "/20170907/senders", body: Array(json.utf8))
            let tampered = json.replacingOccurrences(of: "a@", with: "b@")
            let response = try await client.execute(uri: "/20170907/senders", method: .post, headers: headers, body: ByteBuffer(string: tampered))
            #expect(response.status == .unauthorized)
            #expect(response.message?.hasPrefix("Body digest mismatch") == true)
            #expect(try fixture.store.senders().isEmpty)
        }
    }

    @Test func aPostMustSignItsBodyHeaders() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            // A GET-style signature (date, target, host only) on a POST.
            var headers = fixture.adminKey.headers(.get, "/20170907/senders")
            headers[.contentLength] = "2"
            let response = try await client.execute(uri: "/20170907/senders", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(response.status == .unauthorized)
            #expect(response.message == "Missing signed headers: the signature must cover content-length, content-type, x-content-sha256")
        }
    }

    @Test func aListedHeaderMissingFromTheRequestIsRefused() async throws {
        let fixture = try APIFixture()
        let target = Self.configurationPath + fixture.tenancy.rawValue
        try await fixture.withClient { client in
            var headers = fixture.adminKey.headers(.get, target)
            headers[.authorization] = headers[.authorization]!.replacingOccurrences(of: "host\"", with: "host x-extra\"")
            let response = try await client.execute(uri: target, method: .get, headers: headers)
            #expect(response.message == "Missing header: x-extra is signed but not in the request")
        }
    }

    @Test func theRequestRatePerKeyIsLimitedBeforeTheBodyIsRead() async throws {
        let fixture = try APIFixture(requestsPerSecond: 3)
        let target = Self.configurationPath + fixture.tenancy.rawValue
        try await fixture.withClient { client in
            for _ in 0..<3 { #expect(try await client.signed(fixture.adminKey, .get, target).status == .ok) }
            let limited = try await client.signed(fixture.adminKey, .post, "/20170907/senders", json: "not json")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.code == "TooManyRequests")
            #expect(limited.message == "Too many requests. Wait and retry.")
            fixture.clock.advance(by: 1)
            #expect(try await client.signed(fixture.adminKey, .get, target).status == .ok)
        }
    }

    @Test func aDeletedKeyStopsWorkingOnceItsCacheEntryExpires() async throws {
        let fixture = try APIFixture()
        let target = Self.configurationPath + fixture.tenancy.rawValue
        try await fixture.withClient { client in
            #expect(try await client.signed(fixture.adminKey, .get, target).status == .ok)
            for key in try fixture.store.apiKeys() { try fixture.store.deleteApiKey(key.id) }
            fixture.clock.advance(by: 6)
            let refused = try await client.signed(fixture.adminKey, .get, target)
            #expect(refused.status == .unauthorized && refused.message?.hasPrefix("Unknown key") == true)
        }
    }

    @Test func publicPathsNeedNoSignature() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok && health.object["status"] as? String == "ok")
            let document = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(document.status == .ok)
        }
    }
}
