import EnvoiCore
@testable import EnvoiStore
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Testing

/// `opc-retry-token`: a retry of the same request gets the first answer and changes nothing,
/// the token on another request is a conflict, tokens are per caller and checked for form.
@Suite struct RetryTokenRouteTests {
    static let workRequestHeader = HTTPField.Name("opc-work-request-id")!
    static let retryToken = HTTPField.Name("opc-retry-token")!

    @Test func aRetriedCreateGetsTheFirstAnswerAndCreatesOnce() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let json = #"{"compartmentId":"\#(fixture.tenancy)","name":"retry.example"}"#
            let first = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains", json: json, extra: [Self.retryToken: "token-1"])
            let again = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains", json: json, extra: [Self.retryToken: "token-1"])
            #expect(first.status == .accepted && again.status == .accepted)
            #expect(first.object["id"] as? String != nil && again.object["id"] as? String == first.object["id"] as? String)
            #expect(again.text == first.text)
            #expect(again.headers[.eTag] != nil && again.headers[.eTag] == first.headers[.eTag])
            #expect(again.headers[Self.workRequestHeader] != nil && again.headers[Self.workRequestHeader] == first.headers[Self.workRequestHeader])
            #expect(try fixture.store.emailDomains().count == 1)
            let requests = try await client.signed(fixture.adminKey, .get, "/20170907/workRequests?compartmentId=\(fixture.tenancy)")
            #expect((requests.object["items"] as? [[String: Any]])?.count == 1)

            // Without a token, the same request is a new one (and the name is taken).
            let untokened = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains", json: json)
            #expect(untokened.status == .conflict)
        }
    }

    @Test func theSameTokenOnAnotherRequestIsAConflict() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let first = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains",
                                                json: #"{"compartmentId":"\#(fixture.tenancy)","name":"one.example"}"#, extra: [Self.retryToken: "reused"])
            #expect(first.status == .accepted)
            let other = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains",
                                                json: #"{"compartmentId":"\#(fixture.tenancy)","name":"two.example"}"#, extra: [Self.retryToken: "reused"])
            #expect(other.status == .conflict && other.code == "Conflict")
            #expect(other.message?.contains("opc-retry-token") == true)
            let domain = try #require(first.object["id"] as? String)
            let otherPath = try await client.signed(fixture.adminKey, .post, "/20170907/dkims",
                                                    json: #"{"emailDomainId":"\#(domain)"}"#, extra: [Self.retryToken: "reused"])
            #expect(otherPath.status == .conflict && otherPath.code == "Conflict")
            #expect(try fixture.store.emailDomains().map(\.name) == ["one.example"])
            #expect(try fixture.store.dkimKeys(domain: OCID(domain)!).isEmpty)
        }
    }

    @Test func tokensArePerCaller() async throws {
        let fixture = try APIFixture()
        let (_, other) = try fixture.user(named: "ops", statement: "Allow group GROUP to manage email-family in tenancy")
        try await fixture.withClient { client in
            let mine = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains",
                                               json: #"{"compartmentId":"\#(fixture.tenancy)","name":"mine.example"}"#, extra: [Self.retryToken: "shared"])
            let theirs = try await client.signed(other, .post, "/20170907/emailDomains",
                                                 json: #"{"compartmentId":"\#(fixture.tenancy)","name":"theirs.example"}"#, extra: [Self.retryToken: "shared"])
            #expect(mine.status == .accepted && theirs.status == .accepted)
            #expect(theirs.object["name"] as? String == "theirs.example")
            #expect(try fixture.store.emailDomains().count == 2)
        }
    }

    @Test func aMalformedTokenIsRefused() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let json = #"{"compartmentId":"\#(fixture.tenancy)","name":"bad.example"}"#
            let long = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains", json: json,
                                               extra: [Self.retryToken: String(repeating: "a", count: 65)])
            #expect(long.status == .badRequest && long.code == "InvalidParameter")
            #expect(long.message?.contains("opc-retry-token") == true)
            let longest = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains", json: json,
                                                  extra: [Self.retryToken: String(repeating: "a", count: 64)])
            #expect(longest.status == .accepted)
            #expect(try fixture.store.emailDomains().count == 1)
        }
    }

    @Test func twoConcurrentRetriesCreateOnce() async throws {
        let fixture = try APIFixture()
        let domain = try fixture.store.createEmailDomain(name: "race.example")
        try await fixture.withClient { client in
            let json = try DkimRouteTests.body(["emailDomainId": domain.id.rawValue, "name": "race", "privateKey": DkimRouteTests.importedPEM])
            async let first = client.signed(fixture.adminKey, .post, "/20170907/dkims", json: json, extra: [Self.retryToken: "race"])
            async let second = client.signed(fixture.adminKey, .post, "/20170907/dkims", json: json, extra: [Self.retryToken: "race"])
            let answers = try await [first, second]
            #expect(answers.allSatisfy { $0.status == .accepted })
            #expect(answers[0].object["id"] as? String != nil && answers[0].object["id"] as? String == answers[1].object["id"] as? String)
            #expect(answers[0].headers[Self.workRequestHeader] == answers[1].headers[Self.workRequestHeader])
            #expect(try fixture.store.dkimKeys(domain: domain.id).count == 1)
        }
    }

    @Test func aRetriedMoveAnswersAgainDespiteItsStaleEtag() async throws {
        let fixture = try APIFixture()
        let team = try fixture.store.createCompartment(name: "team")
        let domain = try fixture.store.createEmailDomain(name: "move.example")
        try await fixture.withClient { client in
            let etag = try #require(try await client.signed(fixture.adminKey, .get, "/20170907/emailDomains/\(domain.id)").headers[.eTag])
            let path = "/20170907/emailDomains/\(domain.id)/actions/changeCompartment"
            let json = #"{"compartmentId":"\#(team.id)"}"#
            let moved = try await client.signed(fixture.adminKey, .post, path, json: json, extra: [Self.retryToken: "move", .ifMatch: etag])
            let again = try await client.signed(fixture.adminKey, .post, path, json: json, extra: [Self.retryToken: "move", .ifMatch: etag])
            #expect(moved.status == .accepted && again.status == .accepted)
            #expect(again.headers[Self.workRequestHeader] != nil && again.headers[Self.workRequestHeader] == moved.headers[Self.workRequestHeader])
            let stale = try await client.signed(fixture.adminKey, .post, path, json: json, extra: [Self.retryToken: "other", .ifMatch: etag])
            #expect(stale.status == .preconditionFailed)
            #expect(try fixture.store.emailDomain(domain.id).compartmentId == team.id)
        }
    }

    @Test func aRetriedCredentialCreateShowsThePasswordAgainAndKeepsItSealed() async throws {
        let fixture = try APIFixture()
        let admin = fixture.bootstrap.adminUser.id
        try await fixture.withClient { client in
            let path = "/20160918/users/\(admin)/smtpCredentials"
            let first = try await client.signed(fixture.adminKey, .post, path, json: #"{"description":"app"}"#, extra: [Self.retryToken: "cred"])
            let again = try await client.signed(fixture.adminKey, .post, path, json: #"{"description":"app"}"#, extra: [Self.retryToken: "cred"])
            let password = try #require(first.object["password"] as? String)
            #expect(again.object["password"] as? String == password && again.object["id"] as? String == first.object["id"] as? String)
            #expect(try await client.signed(fixture.adminKey, .get, path).array.count == 1)
            let database = try Data(contentsOf: URL(fileURLWithPath: fixture.root + "/data/envoi.sqlite"))
            let wal = (try? Data(contentsOf: URL(fileURLWithPath: fixture.root + "/data/envoi.sqlite-wal"))) ?? Data()
            #expect(database.range(of: Data(password.utf8)) == nil && wal.range(of: Data(password.utf8)) == nil)
        }
    }
}
