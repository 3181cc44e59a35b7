import EnvoiCore
@testable import EnvoiStore
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Testing

/// Senders and suppressions: create, get, list (bare arrays, filters, sorting, pages), delete,
/// etags, and authorisation by policy.
@Suite struct SenderAndSuppressionRouteTests {
    @Test func senderLifecycle() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let created = try await client.signed(fixture.adminKey, .post, "/20170907/senders",
                                                  json: #"{"compartmentId":"\#(fixture.tenancy)","emailAddress":"App@Example.com"}"#)
            #expect(created.status == .ok)
            let id = created.object["id"] as! String
            #expect(created.object["lifecycleState"] as? String == "ACTIVE")
            #expect(created.headers[.eTag] != nil)
            let fetched = try await client.signed(fixture.adminKey, .get, "/20170907/senders/\(id)")
            #expect(fetched.object["emailAddress"] as? String == "App@example.com")
            #expect(fetched.headers[.eTag] == created.headers[.eTag])
            let stale = try await client.signed(fixture.adminKey, .delete, "/20170907/senders/\(id)", extra: [.ifMatch: "0123"])
            #expect(stale.status == .preconditionFailed && stale.code == "NoEtagMatch")
            let deleted = try await client.signed(fixture.adminKey, .delete, "/20170907/senders/\(id)", extra: [.ifMatch: created.headers[.eTag]!])
            #expect(deleted.status == .noContent)
            let gone = try await client.signed(fixture.adminKey, .get, "/20170907/senders/\(id)")
            #expect(gone.status == .notFound && gone.code == "NotAuthorizedOrNotFound")
        }
    }

    @Test func senderListsPageSortAndFilter() async throws {
        let fixture = try APIFixture()
        for name in ["c", "a", "d", "b", "e"] { _ = try fixture.store.createSender(email: "\(name)@example.com") }
        _ = try fixture.store.createSender(email: "x@other.org")
        try await fixture.withClient { client in
            var seen: [String] = []
            var target = "/20170907/senders?compartmentId=\(fixture.tenancy)&domain=example.com&sortBy=EMAILADDRESS&limit=2"
            for _ in 0..<5 {
                let page = try await client.signed(fixture.adminKey, .get, target)
                #expect(page.status == .ok)
                seen += page.array.map { $0["emailAddress"] as! String }
                guard let next = page.headers[HTTPField.Name("opc-next-page")!] else { break }
                target = "/20170907/senders?compartmentId=\(fixture.tenancy)&domain=example.com&sortBy=EMAILADDRESS&limit=2&page=\(next)"
            }
            #expect(seen == ["a@example.com", "b@example.com", "c@example.com", "d@example.com", "e@example.com"])
            let descending = try await client.signed(fixture.adminKey, .get, "/20170907/senders?compartmentId=\(fixture.tenancy)&sortBy=EMAILADDRESS&sortOrder=DESC&limit=1")
            #expect(descending.array.first?["emailAddress"] as? String == "x@other.org")
            let one = try await client.signed(fixture.adminKey, .get, "/20170907/senders?compartmentId=\(fixture.tenancy)&emailAddress=B@EXAMPLE.COM")
            #expect(one.array.count == 1 && one.headers[HTTPField.Name("opc-next-page")!] == nil)
        }
    }

    @Test(arguments: [
        ("sortBy=NAME", "Invalid value for sortBy: expected one of TIMECREATED, EMAILADDRESS"),
        ("lifecycleState=SLEEPING", "Invalid value for lifecycleState: expected one of CREATING, ACTIVE, NEEDS_ATTENTION, INACTIVE, FAILED, DELETING, DELETED, UPDATING"),
        ("limit=0", "Invalid value for limit: expected a whole number from 1 to 1000"),
        ("page=bm90LWEtdG9rZW4=", "Invalid value for page: not a token returned by a previous list"),
    ])
    func badQueryParametersAreInvalidParameter(query: String, message: String) async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let response = try await client.signed(fixture.adminKey, .get, "/20170907/senders?compartmentId=\(fixture.tenancy)&\(query)")
            #expect(response.status == .badRequest && response.code == "InvalidParameter")
            #expect(response.message == message)
            let missing = try await client.signed(fixture.adminKey, .get, "/20170907/senders")
            #expect(missing.code == "MissingParameter" && missing.message == "Required query parameter compartmentId is missing")
        }
    }

    @Test func senderTagsAreKeptAndReplacedByUpdate() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let created = try await client.signed(fixture.adminKey, .post, "/20170907/senders", json: """
                {"compartmentId":"\(fixture.tenancy)","emailAddress":"tagged@example.com","freeformTags":{"app":"billing"},"definedTags":{"Ops":{"Owner":"ana"}}}
                """)
            #expect(created.status == .ok)
            #expect(created.object["freeformTags"] as? [String: String] == ["app": "billing"])
            let id = created.object["id"] as! String
            let stale = try await client.signed(fixture.adminKey, .put, "/20170907/senders/\(id)", json: #"{"freeformTags":{}}"#, extra: [.ifMatch: "0123"])
            #expect(stale.status == .preconditionFailed)
            let updated = try await client.signed(fixture.adminKey, .put, "/20170907/senders/\(id)", json: #"{"freeformTags":{"app":"invoices"}}"#,
                                                  extra: [.ifMatch: created.headers[.eTag]!])
            #expect(updated.status == .ok && updated.headers[.eTag] != created.headers[.eTag])
            #expect(updated.object["freeformTags"] as? [String: String] == ["app": "invoices"])
            #expect(updated.object["definedTags"] as? [String: [String: String]] == ["Ops": ["Owner": "ana"]])
            let listed = try await client.signed(fixture.adminKey, .get, "/20170907/senders?compartmentId=\(fixture.tenancy)")
            #expect(listed.array.first?["freeformTags"] as? [String: String] == ["app": "invoices"])
            let tooMany = Dictionary(uniqueKeysWithValues: (0...64).map { ("k\($0)", "v") })
            let json = String(decoding: try JSONSerialization.data(withJSONObject: ["freeformTags": tooMany]), as: UTF8.self)
            let refused = try await client.signed(fixture.adminKey, .put, "/20170907/senders/\(id)", json: json)
            #expect(refused.code == "InvalidParameter" && refused.message == "tags: more than 64 tags")
        }
    }

    @Test func locksRefuseWhatTheyForbidUnlessOverridden() async throws {
        let fixture = try APIFixture()
        let sender = try fixture.store.createSender(email: "locked@example.com")
        try await fixture.withClient { client in
            let base = "/20170907/senders/\(sender.id)"
            let locked = try await client.signed(fixture.adminKey, .post, "\(base)/actions/addLock", json: #"{"type":"DELETE","message":"prod"}"#)
            #expect(locked.status == .ok)
            let locks = locked.object["locks"] as? [[String: Any]]
            #expect(locks?.count == 1 && locks?.first?["type"] as? String == "DELETE" && locks?.first?["compartmentId"] as? String == fixture.tenancy.rawValue)
            let twice = try await client.signed(fixture.adminKey, .post, "\(base)/actions/addLock", json: #"{"type":"DELETE"}"#)
            #expect(twice.status == .conflict)
            let refused = try await client.signed(fixture.adminKey, .delete, base)
            #expect(refused.status == .conflict && refused.code == "LockConflict")
            #expect(refused.message == "The resource has a DELETE lock: prod. Remove the lock or set isLockOverride")
            // A DELETE lock lets changes through; a FULL lock does not.
            #expect(try await client.signed(fixture.adminKey, .put, base, json: #"{"freeformTags":{"a":"b"}}"#).status == .ok)
            _ = try await client.signed(fixture.adminKey, .post, "\(base)/actions/addLock", json: #"{"type":"FULL"}"#)
            let update = try await client.signed(fixture.adminKey, .put, base, json: #"{"freeformTags":{"a":"c"}}"#)
            #expect(update.status == .conflict && update.code == "LockConflict")
            #expect(try await client.signed(fixture.adminKey, .put, "\(base)?isLockOverride=true", json: #"{"freeformTags":{"a":"c"}}"#).status == .ok)
            let badType = try await client.signed(fixture.adminKey, .post, "\(base)/actions/removeLock", json: #"{"type":"SOME"}"#)
            #expect(badType.code == "InvalidParameter" && badType.message == "Invalid value for type: expected one of FULL, DELETE")
            _ = try await client.signed(fixture.adminKey, .post, "\(base)/actions/removeLock", json: #"{"type":"FULL"}"#)
            let unlocked = try await client.signed(fixture.adminKey, .post, "\(base)/actions/removeLock", json: #"{"type":"DELETE"}"#)
            #expect((unlocked.object["locks"] as? [Any])?.isEmpty == true)
            #expect(try await client.signed(fixture.adminKey, .delete, base).status == .noContent)
        }
    }

    @Test func changeCompartmentMovesASenderOnlyBetweenCompartmentsTheCallerManages() async throws {
        let fixture = try APIFixture()
        let team = try fixture.store.createCompartment(name: "team")
        let other = try fixture.store.createCompartment(name: "other")
        let sender = try fixture.store.createSender(email: "team@example.com", compartment: team.id)
        let (_, teamAdmin) = try fixture.user(named: "teamadmin", statement: "Allow group GROUP to manage email-family in compartment team")
        try await fixture.withClient { client in
            let path = "/20170907/senders/\(sender.id)/actions/changeCompartment"
            let elsewhere = try await client.signed(teamAdmin, .post, path, json: #"{"compartmentId":"\#(other.id)"}"#)
            #expect(elsewhere.status == .notFound && elsewhere.code == "NotAuthorizedOrNotFound", "the target must be managed too")
            #expect(try fixture.store.sender(sender.id).compartmentId == team.id)
            let missing = try await client.signed(fixture.adminKey, .post, path, json: "{}")
            #expect(missing.code == "MissingParameter" && missing.message == "Required attribute compartmentId cannot be empty or null")
            let stale = try await client.signed(fixture.adminKey, .post, path, json: #"{"compartmentId":"\#(other.id)"}"#, extra: [.ifMatch: "0123"])
            #expect(stale.status == .preconditionFailed && stale.code == "NoEtagMatch")
            let moved = try await client.signed(fixture.adminKey, .post, path, json: #"{"compartmentId":"\#(other.id)"}"#)
            #expect(moved.status == .ok)
            #expect(try fixture.store.sender(sender.id).compartmentId == other.id)
            // The team administrator no longer sees it.
            #expect(try await client.signed(teamAdmin, .get, "/20170907/senders/\(sender.id)").status == .notFound)
        }
    }

    @Test func policiesDecideWhatACallerSees() async throws {
        let fixture = try APIFixture()
        let team = try fixture.store.createCompartment(name: "team")
        let sender = try fixture.store.createSender(email: "team@example.com", compartment: team.id)
        let (_, reader) = try fixture.user(named: "reader", statement: "Allow group GROUP to read email-family in compartment team")
        try await fixture.withClient { client in
            #expect(try await client.signed(reader, .get, "/20170907/senders/\(sender.id)").status == .ok)
            #expect(try await client.signed(reader, .get, "/20170907/senders?compartmentId=\(team.id)").array.count == 1)
            let rootList = try await client.signed(reader, .get, "/20170907/senders?compartmentId=\(fixture.tenancy)")
            #expect(rootList.status == .notFound && rootList.code == "NotAuthorizedOrNotFound")
            let delete = try await client.signed(reader, .delete, "/20170907/senders/\(sender.id)")
            #expect(delete.status == .notFound && delete.message == "Authorization failed or requested resource not found")
            let create = try await client.signed(reader, .post, "/20170907/senders", json: #"{"compartmentId":"\#(team.id)","emailAddress":"n@example.com"}"#)
            #expect(create.status == .notFound)
            #expect(try fixture.store.senders().count == 1)
        }
    }

    @Test func suppressionLifecycle() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let created = try await client.signed(fixture.adminKey, .post, "/20170907/suppressions",
                                                  json: #"{"compartmentId":"\#(fixture.tenancy)","emailAddress":"Bounce@Example.org"}"#)
            #expect(created.status == .ok)
            #expect(created.object["reason"] as? String == "MANUAL")
            #expect(created.object["emailAddress"] as? String == "bounce@example.org")
            let id = created.object["id"] as! String
            let list = try await client.signed(fixture.adminKey, .get, "/20170907/suppressions?compartmentId=\(fixture.tenancy)&emailAddress=bounce@example.org")
            #expect(list.array.map { $0["id"] as? String } == [id])
            #expect(list.array.first?["timeLastSuppressed"] == nil)
            let wrongCompartment = try await client.signed(fixture.adminKey, .get, "/20170907/suppressions?compartmentId=ocid1.compartment.envoi..abcdefgh")
            #expect(wrongCompartment.code == "InvalidParameter")
            let duplicate = try await client.signed(fixture.adminKey, .post, "/20170907/suppressions",
                                                    json: #"{"compartmentId":"\#(fixture.tenancy)","emailAddress":"bounce@example.org"}"#)
            #expect(duplicate.status == .conflict)
            #expect(try await client.signed(fixture.adminKey, .delete, "/20170907/suppressions/\(id)").status == .noContent)
            #expect(try await client.signed(fixture.adminKey, .get, "/20170907/suppressions/\(id)").status == .notFound)
        }
    }

    @Test func unknownRoutesAndInternalFailuresAnswerJSON() async throws {
        let fixture = try APIFixture()
        try await fixture.withClient { client in
            let response = try await client.signed(fixture.adminKey, .get, "/20170907/nothing")
            #expect(response.status == .notFound && response.code == "NotFound")
            #expect(response.headers[HTTPField.Name("opc-request-id")!] != nil)
        }
    }
}
