import EnvoiCore
@testable import EnvoiStore
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Testing

/// DKIM keys over the control plane: the lifecycle with its work requests, input checks, the
/// per-domain limit, and authorisation like that of email domains.
@Suite struct DkimRouteTests {
    static let workRequestHeader = HTTPField.Name("opc-work-request-id")!
    /// An existing key to import, so that no test waits for RSA key generation.
    static let importedPEM = APIFixture.otherPrivateKey.pemRepresentation

    /// A JSON request body (escaping the PEM's newlines).
    static func body(_ fields: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
    }

    /// The operation type and status of the work request named by a response's header.
    static func workRequest(_ client: any TestClientProtocol, _ fixture: APIFixture, of response: TestResponse) async throws -> (String?, String?) {
        let id = try #require(response.headers[workRequestHeader])
        let request = try await client.signed(fixture.adminKey, .get, "/20170907/workRequests/\(id)")
        return (request.object["operationType"] as? String, request.object["status"] as? String)
    }

    @Test func dkimLifecycleRecordsSucceededWorkRequests() async throws {
        let fixture = try APIFixture()
        let domain = try fixture.store.createEmailDomain(name: "example.com")
        try await fixture.withClient { client in
            let created = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: try Self.body(
                ["emailDomainId": domain.id.rawValue, "name": "sel1", "description": "first", "privateKey": Self.importedPEM]))
            #expect(created.status == .accepted)
            #expect(created.object["name"] as? String == "sel1" && created.object["isImported"] as? Bool == true)
            #expect(created.object["dnsSubdomainName"] as? String == "sel1._domainkey.example.com")
            #expect(created.object["lifecycleState"] as? String == "NEEDS_ATTENTION")
            #expect(!created.text.contains("PRIVATE KEY") && created.object["privateKey"] == nil)
            #expect(try await Self.workRequest(client, fixture, of: created) == ("CREATE_DKIM", "SUCCEEDED"))
            let id = try #require(created.object["id"] as? String)

            let fetched = try await client.signed(fixture.adminKey, .get, "/20170907/dkims/\(id)")
            #expect(fetched.object["txtRecordValue"] as? String == created.object["txtRecordValue"] as? String)
            #expect(!fetched.text.contains("PRIVATE KEY"))
            let list = try await client.signed(fixture.adminKey, .get, "/20170907/dkims?emailDomainId=\(domain.id)&lifecycleState=needs_attention")
            let items = try #require(list.object["items"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == [id])
            #expect(items.first?["txtRecordValue"] == nil && items.first?["keyLength"] as? Int == 2048)

            let stale = try await client.signed(fixture.adminKey, .put, "/20170907/dkims/\(id)", json: #"{"description":"x"}"#, extra: [.ifMatch: "nope"])
            #expect(stale.status == .preconditionFailed)
            let updated = try await client.signed(fixture.adminKey, .put, "/20170907/dkims/\(id)", json: #"{"description":"renamed"}"#,
                                                  extra: [.ifMatch: fetched.headers[.eTag]!])
            #expect(updated.status == .accepted)
            #expect(try await Self.workRequest(client, fixture, of: updated) == ("UPDATE_DKIM", "SUCCEEDED"))
            #expect(try await client.signed(fixture.adminKey, .get, "/20170907/dkims/\(id)").object["description"] as? String == "renamed")

            let deleted = try await client.signed(fixture.adminKey, .delete, "/20170907/dkims/\(id)")
            #expect(deleted.status == .accepted)
            #expect(try await Self.workRequest(client, fixture, of: deleted) == ("DELETE_DKIM", "SUCCEEDED"))
            #expect(try await client.signed(fixture.adminKey, .get, "/20170907/dkims/\(id)").status == .notFound)
        }
    }

    @Test func dkimTagsAreKeptAndReplacedByUpdate() async throws {
        let fixture = try APIFixture()
        let domain = try fixture.store.createEmailDomain(name: "tags.example")
        try await fixture.withClient { client in
            let json = String(decoding: try JSONSerialization.data(withJSONObject: [
                "emailDomainId": domain.id.rawValue, "name": "sel", "privateKey": Self.importedPEM,
                "freeformTags": ["team": "mail"], "definedTags": ["Ops": ["CostCenter": "42"]]] as [String: Any]), as: UTF8.self)
            let created = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: json)
            #expect(created.status == .accepted)
            #expect(created.object["freeformTags"] as? [String: String] == ["team": "mail"])
            #expect(created.object["definedTags"] as? [String: [String: String]] == ["Ops": ["CostCenter": "42"]])
            let id = try #require(created.object["id"] as? String)

            let updated = try await client.signed(fixture.adminKey, .put, "/20170907/dkims/\(id)", json: #"{"freeformTags":{"team":"ops"}}"#,
                                                  extra: [.ifMatch: try #require(created.headers[.eTag])])
            #expect(updated.status == .accepted)
            #expect(try await Self.workRequest(client, fixture, of: updated) == ("UPDATE_DKIM", "SUCCEEDED"))
            let fetched = try await client.signed(fixture.adminKey, .get, "/20170907/dkims/\(id)")
            #expect(fetched.object["freeformTags"] as? [String: String] == ["team": "ops"])
            #expect(fetched.object["definedTags"] as? [String: [String: String]] == ["Ops": ["CostCenter": "42"]], "kept when not given")
            let list = try await client.signed(fixture.adminKey, .get, "/20170907/dkims?emailDomainId=\(domain.id)")
            let items = try #require(list.object["items"] as? [[String: Any]])
            #expect(items.first?["freeformTags"] as? [String: String] == ["team": "ops"])
            #expect(items.first?["definedTags"] as? [String: [String: String]] == ["Ops": ["CostCenter": "42"]])

            let refused = try await client.signed(fixture.adminKey, .put, "/20170907/dkims/\(id)", json: #"{"freeformTags":{"a b":"v"}}"#)
            #expect(refused.code == "InvalidParameter" && refused.message == #"freeformTags: the key "a b" contains a space, a dot or a control character"#)
            let tooMany = Dictionary(uniqueKeysWithValues: (0...64).map { ("k\($0)", "v") })
            let body = String(decoding: try JSONSerialization.data(withJSONObject: [
                "emailDomainId": domain.id.rawValue, "name": "sel2", "privateKey": Self.importedPEM, "freeformTags": tooMany] as [String: Any]),
                              as: UTF8.self)
            let refusedCreate = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: body)
            #expect(refusedCreate.code == "InvalidParameter" && refusedCreate.message == "tags: more than 64 tags")
        }
    }

    @Test func dkimInputIsChecked() async throws {
        let fixture = try APIFixture()
        let domain = try fixture.store.createEmailDomain(name: "example.org")
        try await fixture.withClient { client in
            let unknown = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: try Self.body(
                ["emailDomainId": OCID.generate(.emailDomain).rawValue, "name": "sel", "privateKey": Self.importedPEM]))
            #expect(unknown.status == .notFound && unknown.code == "NotAuthorizedOrNotFound")
            let badSelector = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: try Self.body(
                ["emailDomainId": domain.id.rawValue, "name": "Bad_Selector", "privateKey": Self.importedPEM]))
            #expect(badSelector.status == .badRequest && badSelector.code == "InvalidParameter")
            #expect(badSelector.message?.contains("name") == true)
            let badKey = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: try Self.body(
                ["emailDomainId": domain.id.rawValue, "name": "sel", "privateKey": "not a key"]))
            #expect(badKey.status == .badRequest && badKey.code == "InvalidParameter")
            #expect(badKey.message?.hasPrefix("privateKey:") == true && badKey.message?.contains("not a key") == false)
            let missing = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: #"{"name":"sel"}"#)
            #expect(missing.code == "MissingParameter")
            let noDomain = try await client.signed(fixture.adminKey, .get, "/20170907/dkims")
            #expect(noDomain.status == .badRequest && noDomain.code == "MissingParameter")

            for selector in ["one", "two"] {
                let made = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: try Self.body(
                    ["emailDomainId": domain.id.rawValue, "name": selector, "privateKey": Self.importedPEM]))
                #expect(made.status == .accepted)
            }
            let third = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: try Self.body(
                ["emailDomainId": domain.id.rawValue, "name": "three", "privateKey": Self.importedPEM]))
            #expect(third.status == .badRequest && third.code == "LimitExceeded")
            let byName = try await client.signed(fixture.adminKey, .get, "/20170907/dkims?emailDomainId=\(domain.id)&sortBy=NAME&sortOrder=DESC&limit=1")
            #expect((byName.object["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["two"])
            #expect(byName.headers[HTTPField.Name("opc-next-page")!] != nil)
        }
    }

    @Test func readersSeeKeysButCannotChangeThem() async throws {
        let fixture = try APIFixture()
        let domain = try fixture.store.createEmailDomain(name: "example.net")
        let (_, reader) = try fixture.user(named: "reader", statement: "Allow group GROUP to read email-family in tenancy")
        let (_, stranger) = try fixture.user(named: "stranger", statement: nil)
        try await fixture.withClient { client in
            let created = try await client.signed(fixture.adminKey, .post, "/20170907/dkims", json: try Self.body(
                ["emailDomainId": domain.id.rawValue, "name": "sel", "privateKey": Self.importedPEM]))
            let id = try #require(created.object["id"] as? String)
            #expect(try await client.signed(reader, .get, "/20170907/dkims/\(id)").status == .ok)
            #expect(try await client.signed(reader, .get, "/20170907/dkims?emailDomainId=\(domain.id)").status == .ok)
            let refused = try await client.signed(reader, .delete, "/20170907/dkims/\(id)")
            #expect(refused.status == .notFound && refused.code == "NotAuthorizedOrNotFound")
            let create = try await client.signed(reader, .post, "/20170907/dkims", json: try Self.body(
                ["emailDomainId": domain.id.rawValue, "name": "other", "privateKey": Self.importedPEM]))
            #expect(create.status == .notFound)
            #expect(try await client.signed(stranger, .get, "/20170907/dkims/\(id)").status == .notFound)
            #expect(try await client.signed(stranger, .get, "/20170907/dkims?emailDomainId=\(domain.id)").status == .notFound)
            #expect(try await client.signed(fixture.adminKey, .get, "/20170907/dkims/\(id)").status == .ok)
        }
    }
}
