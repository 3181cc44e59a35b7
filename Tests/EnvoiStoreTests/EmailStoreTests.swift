// SQLite-only: the synchronous CLI-only API (`atomically` over a GRDB transaction; users, groups and policies behind `sendAuthorization`); senders, domains and DKIM keys are in StoreContractTests.
import EnvoiCore
@testable import EnvoiStore
import Foundation
import Testing

@Suite struct EmailStoreTests {
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
