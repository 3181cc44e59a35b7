// SQLite-only: `atomically`, the synchronous CLI-only API over one GRDB transaction; senders, domains, DKIM keys and authorisation are in StoreContractTests.
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
}
