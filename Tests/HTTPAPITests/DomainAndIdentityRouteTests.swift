import EnvoiCore
@testable import EnvoiStore
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Testing

/// Email domains with their work requests, the configuration operation and SMTP credentials.
@Suite struct DomainAndIdentityRouteTests {
    static let workRequestHeader = HTTPField.Name("opc-work-request-id")!

    @Test func domainLifecycleRecordsSucceededWorkRequests() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let created = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains",
                                                  json: #"{"compartmentId":"\#(fixture.tenancy)","name":"Example.COM","description":"main"}"#)
            #expect(created.status == .accepted)
            #expect(created.object["name"] as? String == "example.com")
            let id = created.object["id"] as! String
            let createRequest = try #require(created.headers[Self.workRequestHeader])
            let request = try await client.signed(fixture.adminKey, .get, "/20170907/workRequests/\(createRequest)")
            #expect(request.object["status"] as? String == "SUCCEEDED")
            #expect(request.object["operationType"] as? String == "CREATE_EMAIL_DOMAIN")
            #expect(request.object["percentComplete"] as? Double == 100)
            let resources = request.object["resources"] as? [[String: Any]]
            #expect(resources?.first?["identifier"] as? String == id && resources?.first?["actionType"] as? String == "CREATED")
            let logs = try await client.signed(fixture.adminKey, .get, "/20170907/workRequests/\(createRequest)/logs")
            #expect((logs.object["items"] as? [[String: Any]])?.first?["message"] as? String == "Created email domain example.com")
            let errors = try await client.signed(fixture.adminKey, .get, "/20170907/workRequests/\(createRequest)/errors")
            #expect((errors.object["items"] as? [Any])?.isEmpty == true)

            let stale = try await client.signed(fixture.adminKey, .put, "/20170907/emailDomains/\(id)", json: #"{"description":"x"}"#, extra: [.ifMatch: "nope"])
            #expect(stale.status == .preconditionFailed)
            let updated = try await client.signed(fixture.adminKey, .put, "/20170907/emailDomains/\(id)", json: #"{"description":"renamed"}"#,
                                                  extra: [.ifMatch: created.headers[.eTag]!])
            #expect(updated.status == .accepted && updated.headers[Self.workRequestHeader] != nil)
            let fetched = try await client.signed(fixture.adminKey, .get, "/20170907/emailDomains/\(id)")
            #expect(fetched.object["description"] as? String == "renamed")
            #expect(fetched.object["domainVerificationStatus"] as? String == "NONE")

            let list = try await client.signed(fixture.adminKey, .get, "/20170907/emailDomains?compartmentId=\(fixture.tenancy)&sortBy=NAME&sortOrder=ASC")
            #expect((list.object["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["example.com"])
            let deleted = try await client.signed(fixture.adminKey, .delete, "/20170907/emailDomains/\(id)")
            #expect(deleted.status == .accepted)
            let requests = try await client.signed(fixture.adminKey, .get, "/20170907/workRequests?compartmentId=\(fixture.tenancy)&operationType=DELETE_EMAIL_DOMAIN")
            #expect((requests.object["items"] as? [[String: Any]])?.count == 1)
            #expect(try await client.signed(fixture.adminKey, .get, "/20170907/emailDomains/\(id)").status == .notFound)
        }
    }

    @Test func changeCompartmentMovesADomainWithItsDkimKeysAndRecordsAWorkRequest() async throws {
        let fixture = try APIFixture()
        let team = try fixture.store.createCompartment(name: "team")
        let domain = try fixture.store.createEmailDomain(name: "example.com")
        try await fixture.withClient { client in
            let created = try await client.signed(fixture.adminKey, .post, "/20170907/dkims",
                                                  json: #"{"emailDomainId":"\#(domain.id)","name":"s1"}"#)
            #expect(created.status == .accepted)
            let moved = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains/\(domain.id)/actions/changeCompartment",
                                                json: #"{"compartmentId":"\#(team.id)"}"#)
            #expect(moved.status == .accepted)
            let requestID = try #require(moved.headers[Self.workRequestHeader])
            let request = try await client.signed(fixture.adminKey, .get, "/20170907/workRequests/\(requestID)")
            #expect(request.object["operationType"] as? String == "MOVE_EMAIL_DOMAIN" && request.object["status"] as? String == "SUCCEEDED")
            #expect(try fixture.store.emailDomain(domain.id).compartmentId == team.id)
            #expect(try fixture.store.dkimKeys(domain: domain.id).allSatisfy { $0.compartmentId == team.id })
            let nowhere = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains/\(domain.id)/actions/changeCompartment",
                                                  json: #"{"compartmentId":"\#(OCID.generate(.compartment))"}"#)
            #expect(nowhere.status == .notFound && nowhere.code == "NotAuthorizedOrNotFound")
            #expect(try fixture.store.emailDomain(domain.id).compartmentId == team.id)
        }
    }

    @Test func domainInputIsChecked() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let missing = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains", json: #"{"compartmentId":"\#(fixture.tenancy)"}"#)
            #expect(missing.code == "MissingParameter" && missing.message == "Required attribute name cannot be empty or null")
            let tags = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains",
                                               json: #"{"compartmentId":"\#(fixture.tenancy)","name":"a.example","freeformTags":{"a b":"v"}}"#)
            #expect(tags.code == "InvalidParameter" && tags.message == #"freeformTags: the key "a b" contains a space, a dot or a control character"#)
            let tagged = try await client.signed(fixture.adminKey, .post, "/20170907/emailDomains",
                                                 json: #"{"compartmentId":"\#(fixture.tenancy)","name":"b.example","freeformTags":{"team":"mail"},"definedTags":{"Ops":{"CostCenter":"42"}}}"#)
            #expect(tagged.status == .accepted)
            let domainID = tagged.object["id"] as! String
            let retagged = try await client.signed(fixture.adminKey, .put, "/20170907/emailDomains/\(domainID)", json: #"{"freeformTags":{"team":"ops"}}"#)
            #expect(retagged.status == .accepted)
            let fetched = try await client.signed(fixture.adminKey, .get, "/20170907/emailDomains/\(domainID)")
            #expect(fetched.object["freeformTags"] as? [String: String] == ["team": "ops"])
            #expect(fetched.object["definedTags"] as? [String: [String: String]] == ["Ops": ["CostCenter": "42"]], "kept when not given")
            let badState = try await client.signed(fixture.adminKey, .get, "/20170907/emailDomains?compartmentId=\(fixture.tenancy)&lifecycleState=NEEDS_ATTENTION")
            #expect(badState.code == "InvalidParameter")
            let badType = try await client.signed(fixture.adminKey, .get, "/20170907/workRequests?compartmentId=\(fixture.tenancy)&operationType=NOPE")
            #expect(badType.code == "InvalidParameter")
        }
    }

    @Test func smtpCredentialsCarryThePasswordOnlyAtCreation() async throws {
        let fixture = try APIFixture()
        let admin = fixture.bootstrap.adminUser.id
        try await fixture.withClient { client in
            let created = try await client.signed(fixture.adminKey, .post, "/20160918/users/\(admin)/smtpCredentials", json: #"{"description":"app"}"#)
            #expect(created.status == .ok)
            #expect((created.object["password"] as? String)?.isEmpty == false)
            let id = created.object["id"] as! String
            let list = try await client.signed(fixture.adminKey, .get, "/20160918/users/\(admin)/smtpCredentials")
            #expect(list.array.count == 1 && list.array[0]["password"] == nil && list.array[0]["username"] as? String == created.object["username"] as? String)
            #expect(try await client.signed(fixture.adminKey, .delete, "/20160918/users/\(admin)/smtpCredentials/\(id)").status == .noContent)
            #expect(try await client.signed(fixture.adminKey, .get, "/20160918/users/\(admin)/smtpCredentials").array.isEmpty)
        }
    }

    @Test func usersManageOnlyTheirOwnCredentials() async throws {
        let fixture = try APIFixture()
        let (user, signer) = try fixture.user(named: "app", statement: "Allow group GROUP to use email-family in tenancy")
        try await fixture.withClient { client in
            let own = try await client.signed(signer, .post, "/20160918/users/\(user.id)/smtpCredentials", json: #"{"description":"mine"}"#)
            #expect(own.status == .ok)
            let admins = try await client.signed(signer, .get, "/20160918/users/\(fixture.bootstrap.adminUser.id)/smtpCredentials")
            #expect(admins.status == .notFound && admins.code == "NotAuthorizedOrNotFound")
            let byAdmin = try await client.signed(fixture.adminKey, .get, "/20160918/users/\(user.id)/smtpCredentials")
            #expect(byAdmin.array.count == 1)
        }
    }
}
