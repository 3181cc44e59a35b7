import EnvoiCore
import Foundation
import Testing

/// EnvoiCore's `DkimCheckStore` (what the DKIM DNS checker reads and writes), the same assertions
/// on every backend.
@Suite struct DkimCheckContractTests {
    @Test(arguments: StoreBackend.allCases)
    func everyKeyIsListedWithItsDomainByDomainThenCreation(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let zed = try await store.createDomain("zed.example")
            let alpha = try await store.createDomain("alpha.example")
            let z1 = try await store.createImportedKey(domain: zed, selector: "z1")
            let a2 = try await store.createImportedKey(domain: alpha, selector: "a2")
            let a1 = try await store.createImportedKey(domain: alpha, selector: "a1")
            let listed = try await store.dkimChecks.allDkimKeys()
            #expect(listed.map(\.key.id) == [a2, a1, z1])
            #expect(listed.map(\.domainName) == ["alpha.example", "alpha.example", "zed.example"])
            let one = try await store.dkimChecks.dkimKeyOfDomain(a1)
            #expect(one.key.name == "a1" && one.domainName == "alpha.example")
            #expect(await controlPlaneErrorCode { _ = try await store.dkimChecks.dkimKeyOfDomain(.generate(.dkim)) } == .notFound)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func activatingAKeyRetiresTheDomainsOtherActiveKeyAndSignsWithIt(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            let first = try await store.createImportedKey(domain: domain, selector: "s1")
            let second = try await store.createImportedKey(domain: domain, selector: "s2")
            let active = try await store.dkimChecks.setDkimState(first, .active, details: "DNS verified.")
            #expect(active.lifecycleState == .active && active.lifecycleDetails == "DNS verified.")
            #expect(try await store.queue.activeSigningKey(domain: "example.com")?.selector == "s1")
            _ = try await store.dkimChecks.setDkimState(second, .active, details: "DNS verified.")
            let retired = try await store.domains.dkim(first)
            #expect(retired.lifecycleState == .inactive && retired.lifecycleDetails == "Replaced by DKIM key s2")
            #expect(try await store.domains.emailDomain(domain).activeDkimId == second)
            #expect(try await store.queue.activeSigningKey(domain: "example.com")?.selector == "s2")
            _ = try await store.dkimChecks.setDkimState(second, .needsAttention, details: "The CNAME is gone.")
            #expect(try await store.queue.activeSigningKey(domain: "example.com") == nil, "no ACTIVE key: unsigned")
            #expect(try await store.domains.emailDomain(domain).activeDkimId == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aFailedLookupChangesOnlyTheDetails(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            let key = try await store.createImportedKey(domain: domain, selector: "s1")
            _ = try await store.dkimChecks.setDkimState(key, .active, details: "DNS verified.")
            let before = try await store.domains.dkim(key)
            let after = try await store.dkimChecks.setDkimDetails(key, details: "The DNS lookup failed: timeout.")
            #expect(after.lifecycleState == .active && after.lifecycleDetails == "The DNS lookup failed: timeout.")
            #expect(after.timeUpdated > before.timeUpdated)
            #expect(try await store.queue.activeSigningKey(domain: "example.com")?.selector == "s1")
            #expect(await controlPlaneErrorCode { _ = try await store.dkimChecks.setDkimDetails(.generate(.dkim), details: "x") } == .notFound)
        }
    }
}
