import EnvoiCore
import Foundation
import Testing

/// EnvoiCore's `SuppressionStore`, the same assertions on every backend.
@Suite struct SuppressionContractTests {
    @Test(arguments: StoreBackend.allCases)
    func anAddedAddressIsLowerCasedManualAndReadBack(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let added = try await store.addSuppression(email: " Someone@Example.COM ")
            #expect(added.emailAddress == "someone@example.com")
            #expect(added.reason == .manual && added.messageId == nil && added.errorDetail == nil && added.errorSource == nil)
            #expect(added.id.type == .suppression && added.compartmentId.type == .tenancy)
            #expect(added.compartmentId == store.rootCompartment, "in the root compartment (the tenancy)")
            #expect(added.timeCreated == added.timeLastSuppressed)
            #expect(try await store.suppression(added.id) == added)
            #expect(try await store.queue.isSuppressed("SOMEONE@example.com"))
            #expect(try await store.queue.isSuppressed("other@example.com") == false)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aDuplicateInAnyCaseIsAConflictNamingTheEntry(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.addSuppression(email: "dup@example.com")
            await #expect(throws: ControlPlaneError.conflict("dup@example.com is already suppressed (MANUAL, \(first.id))")) {
                _ = try await store.addSuppression(email: "DUP@example.com")
            }
            #expect(try await store.suppressions(SuppressionQuery()).items == [first])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anInvalidAddressIsRefusedBeforeTheStore(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            for text in ["", "no-at-sign", "two@@example.com"] {
                let code = await controlPlaneErrorCode { _ = try await store.addSuppression(email: text) }
                #expect(code == .invalidParameter || code == .missingParameter, "'\(text)'")
            }
            let listed = try await store.suppressions(SuppressionQuery())
            #expect(listed.items.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func unknownAndRemovedIdsAreNotFound(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let unknown = OCID.generate(.suppression)
            #expect(await controlPlaneErrorCode { _ = try await store.suppression(unknown) } == .notFound)
            await #expect(throws: ControlPlaneError.notFound(.suppression, unknown.rawValue)) { try await store.removeSuppression(unknown) }
            let added = try await store.addSuppression(email: "gone@example.com")
            try await store.removeSuppression(added.id)
            #expect(await controlPlaneErrorCode { _ = try await store.suppression(added.id) } == .notFound)
            #expect(await controlPlaneErrorCode { try await store.removeSuppression(added.id) } == .notFound)
            #expect(try await store.queue.isSuppressed("gone@example.com") == false)
            #expect(try await store.addSuppression(email: "gone@example.com").id != added.id, "can be added again")
        }
    }

    /// Adds `addresses` in order (one clock second apart).
    func add(_ addresses: [String], to store: any ContractStore) async throws -> [Suppression] {
        var added: [Suppression] = []
        for address in addresses { added.append(try await store.addSuppression(email: address)) }
        return added
    }

    /// Every page of `query`, following `nextOffset` (bounded: a loop would fail, not hang).
    func allPages(_ store: any ContractStore, _ query: SuppressionQuery) async throws -> (pages: [[String]], items: [Suppression]) {
        var query = query
        var pages: [[String]] = []
        var items: [Suppression] = []
        for _ in 0..<20 {
            let page = try await store.suppressions(query)
            pages.append(page.items.map(\.emailAddress))
            items += page.items
            guard let next = page.nextOffset else { return (pages, items) }
            query.page = PageRequest(offset: next, limit: query.page.limit)
        }
        Issue.record("more than 20 pages")
        return (pages, items)
    }

    @Test(arguments: StoreBackend.allCases)
    func pagesFollowOneAnotherWithoutOverlapOrGap(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await add(["e@x.org", "b@x.org", "d@x.org", "a@x.org", "c@x.org"], to: store)
            let (pages, _) = try await allPages(store, SuppressionQuery(sortBy: .emailAddress, page: PageRequest(limit: 2)))
            #expect(pages == [["a@x.org", "b@x.org"], ["c@x.org", "d@x.org"], ["e@x.org"]])
            let exact = try await store.suppressions(SuppressionQuery(sortBy: .emailAddress, page: PageRequest(offset: 3, limit: 2)))
            #expect(exact.items.map(\.emailAddress) == ["d@x.org", "e@x.org"] && exact.nextOffset == nil, "the last page, exactly full")
            let past = try await store.suppressions(SuppressionQuery(page: PageRequest(offset: 10, limit: 2)))
            #expect(past.items.isEmpty && past.nextOffset == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func sortOrdersByTimeAndAddressBothWays(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let added = try await add(["b@x.org", "c@x.org", "a@x.org"], to: store).map(\.emailAddress)
            func listed(_ sortBy: AddressSortField, _ order: ListOrder?) async throws -> [String] {
                try await store.suppressions(SuppressionQuery(sortBy: sortBy, sortOrder: order)).items.map(\.emailAddress)
            }
            #expect(try await listed(.timeCreated, nil) == added.reversed(), "newest first by default")
            #expect(try await listed(.timeCreated, .ascending) == added)
            #expect(try await listed(.emailAddress, nil) == ["a@x.org", "b@x.org", "c@x.org"], "A to Z by default")
            #expect(try await listed(.emailAddress, .descending) == ["c@x.org", "b@x.org", "a@x.org"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func filtersByAddressAndCreationTime(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let added = try await add(["a@x.org", "b@x.org", "c@x.org", "d@x.org"], to: store)
            let byAddress = try await store.suppressions(SuppressionQuery(emailAddress: "B@X.ORG"))
            #expect(byAddress.items == [added[1]])
            #expect(try await store.suppressions(SuppressionQuery(emailAddress: "z@x.org")).items.isEmpty)
            let window = SuppressionQuery(timeCreatedGreaterThanOrEqualTo: added[1].timeCreated, timeCreatedLessThan: added[3].timeCreated,
                                          sortOrder: .ascending)
            #expect(try await store.suppressions(window).items == [added[1], added[2]], "from inclusive, to exclusive")
            let combined = SuppressionQuery(emailAddress: "a@x.org", timeCreatedGreaterThanOrEqualTo: added[1].timeCreated)
            #expect(try await store.suppressions(combined).items.isEmpty)
        }
    }
}
