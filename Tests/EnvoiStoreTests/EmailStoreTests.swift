import EnvoiCore
@testable import EnvoiStore
import Foundation
import Testing

@Suite struct EmailStoreTests {
    @Test func sendersAreUniqueInTheTenancyIgnoringCase() throws {
        let f = try StoreFixture()
        let marketing = try f.store.createCompartment(name: "Marketing")
        let sender = try f.store.createSender(email: "News@Example.com", compartment: marketing.id)
        #expect(sender.emailAddress == "News@example.com")
        #expect(throws: ControlPlaneError.conflict("News@example.com is already an approved sender (\(sender.id))")) {
            try f.store.createSender(email: "news@example.com")
        }
        #expect(try f.store.senders(compartment: marketing.id) == [sender])
        #expect(try f.store.senders(compartment: f.tenancy).isEmpty)
        try f.store.deleteSender(sender.id)
        #expect(throws: ControlPlaneError.notFound(.sender, sender.id.rawValue)) { try f.store.deleteSender(sender.id) }
    }

    @Test func anOperationAndItsWorkRequestAreWrittenTogetherOrNotAtAll() throws {
        struct Interrupted: Error {}
        let f = try StoreFixture()
        #expect(throws: Interrupted.self) {
            try f.store.atomically {
                let domain = try f.store.createEmailDomain(name: "example.com")
                #expect(try f.store.emailDomain(domain.id) == domain, "reads inside see the transaction's own writes")
                _ = try f.store.recordWorkRequest(.createEmailDomain, compartment: f.tenancy, entityType: "emailDomain",
                                                  action: .created, resource: domain.id, entityUri: nil, log: "Created")
                throw Interrupted()
            }
        }
        #expect(try f.store.emailDomains().isEmpty)
        #expect(try f.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM work_request") } == 0)
        let (domain, request) = try f.store.atomically {
            let domain = try f.store.createEmailDomain(name: "example.com")
            return (domain, try f.store.recordWorkRequest(.createEmailDomain, compartment: f.tenancy, entityType: "emailDomain",
                                                          action: .created, resource: domain.id, entityUri: nil, log: "Created"))
        }
        #expect(try f.store.emailDomains() == [domain])
        #expect(try f.store.workRequest(request.id).resources.first?.identifier == domain.id)
    }

    @Test func aWildcardSenderNeedsAnActiveDkimKeyOnItsDomain() throws {
        let f = try StoreFixture()
        #expect(throws: ControlPlaneError.self) { try f.store.createSender(email: "@example.com") }
        let domain = try f.store.createEmailDomain(name: "Example.com")
        let key = try f.store.insertDkim(f.dkim(domain: domain.id, selector: "s1", state: .needsAttention), privateKeyPEM: "pem")
        #expect(throws: ControlPlaneError.self) { try f.store.createSender(email: "@example.com") }
        _ = try f.store.setDkimState(key.id, .active)
        let wildcard = try f.store.createSender(email: "@example.com")
        #expect(wildcard.emailDomainId == domain.id)
    }

    @Test func atMostTwoKeysPerDomainAndOneActive() throws {
        let f = try StoreFixture()
        let domain = try f.store.createEmailDomain(name: "example.com")
        let first = try f.store.insertDkim(f.dkim(domain: domain.id, selector: "s1", state: .active), privateKeyPEM: "one")
        #expect(try f.store.emailDomain(domain.id).activeDkimId == first.id)
        let second = try f.store.insertDkim(f.dkim(domain: domain.id, selector: "s2", state: .needsAttention), privateKeyPEM: "two")
        #expect(throws: ControlPlaneError.limit("the email domain already has 2 DKIM keys (the maximum); delete one first")) {
            try f.store.insertDkim(f.dkim(domain: domain.id, selector: "s3", state: .creating), privateKeyPEM: "three")
        }
        // Rotation: the new key becomes ACTIVE, the old one INACTIVE, the domain points at the new one.
        _ = try f.store.setDkimState(second.id, .active)
        let keys = try f.store.dkimKeys(domain: domain.id)
        #expect(keys.map(\.lifecycleState) == [.inactive, .active])
        #expect(keys[0].lifecycleDetails == "Replaced by DKIM key s2")
        #expect(try f.store.emailDomain(domain.id).activeDkimId == second.id)
        _ = try f.store.setDkimState(second.id, .needsAttention, details: "CNAME missing")
        #expect(try f.store.emailDomain(domain.id).activeDkimId == nil)
    }

    @Test func domainsAreUniqueAndValidated() throws {
        let f = try StoreFixture()
        _ = try f.store.createEmailDomain(name: "example.com")
        #expect(throws: ControlPlaneError.conflict("email domain example.com already exists")) { try f.store.createEmailDomain(name: "EXAMPLE.com") }
        #expect(throws: ControlPlaneError.self) { try f.store.createEmailDomain(name: "localhost") }
        #expect(throws: ControlPlaneError.self) { try f.store.createEmailDomain(name: "exa mple.com") }
        #expect(try f.store.emailDomains().count == 1)
    }

    @Test func authorisationReadsSendersPoliciesAndGroupsFromTheStore() throws {
        let f = try StoreFixture()
        let marketing = try f.store.createCompartment(name: "Marketing")
        _ = try f.store.createSender(email: "news@example.com", compartment: marketing.id)
        let user = try f.store.createUser(name: "app")
        let group = try f.store.createGroup(name: "Senders")
        try f.store.addUser(user.id, toGroup: group.id)
        let address = EmailAddress("news@example.com")!
        var (authorization, groups) = try f.store.sendAuthorization(for: user.id)
        #expect(authorization.authorize(groups: groups, envelopeSender: address) == .denied(.notPermitted("news@example.com")))
        _ = try f.store.createPolicy(name: "senders", statements: ["Allow group Senders to use email-family in compartment Marketing"])
        (authorization, groups) = try f.store.sendAuthorization(for: user.id)
        guard case .allowed(let sender) = authorization.authorize(groups: groups, envelopeSender: address) else {
            Issue.record("expected allowed")
            return
        }
        #expect(sender.compartmentId == marketing.id)
        // The admin user is in Administrators, which may use email in the whole tenancy.
        let admin = try f.store.sendAuthorization(for: f.bootstrap.adminUser.id)
        if case .denied = admin.0.authorize(groups: admin.groups, envelopeSender: address) { Issue.record("admin should be allowed") }
    }
}
