import EnvoiCore
import Foundation
import Testing

/// EnvoiCore's `SenderStore` (approved senders, as the HTTPS API drives them), the same
/// assertions on every backend.
@Suite struct SenderContractTests {
    @Test(arguments: StoreBackend.allCases)
    func aCreatedSenderHasItsDomainLowerCasedAndIsReadBack(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let root = try await store.identity.tenancyID()
            let tags = ResourceTags(freeform: ["team": "ops"], defined: ["billing": ["centre": "42"]])
            let sender = try await store.identity.createSender(email: " Alice@EXAMPLE.com ", compartment: root, tags: tags)
            #expect(sender.emailAddress == "Alice@example.com")
            #expect(sender.id.type == .sender && sender.compartmentId == root && sender.lifecycleState == .active)
            #expect(sender.tags == tags && sender.locks.isEmpty && sender.emailDomainId == nil && !sender.isSpf)
            #expect(try await store.identity.sender(sender.id) == sender)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anAddressInAnyCaseIsApprovedOnce(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let root = try await store.identity.tenancyID()
            let first = try await store.identity.createSender(email: "Alice@example.com", compartment: root, tags: .none)
            await #expect(throws: ControlPlaneError.conflict("Alice@example.com is already an approved sender (\(first.id))")) {
                _ = try await store.identity.createSender(email: "alice@Example.COM", compartment: root, tags: .none)
            }
            let other = try await store.addCompartment("other")
            await #expect(throws: ControlPlaneError.conflict("Alice@example.com is already an approved sender (\(first.id))"),
                          "unique in the whole tenancy, not per compartment") {
                _ = try await store.identity.createSender(email: "ALICE@example.com", compartment: other, tags: .none)
            }
            #expect(try await store.identity.senders(SenderQuery(compartment: root)).items == [first])
            #expect(try await store.identity.senders(SenderQuery(compartment: other)).items.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aWildcardSenderNeedsAnActiveDkimKeyOnItsDomain(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let root = try await identity.tenancyID()
            let domain = try await store.createDomain("Example.com")
            let key = try await store.createImportedKey(domain: domain, selector: "s1")
            #expect(await controlPlaneErrorCode { _ = try await identity.createSender(email: "@example.com", compartment: root, tags: .none) }
                    == .invalidParameter, "a key that NEEDS_ATTENTION is not enough")
            _ = try await store.dkimChecks.setDkimState(key, .active, details: "DNS verified.")
            let wildcard = try await identity.createSender(email: "@example.com", compartment: root, tags: .none)
            #expect(wildcard.emailDomainId == domain)
        }
    }

    /// Two approvals of one address racing: one sender, and the other gets the same conflict as a
    /// later approval, not a database error.
    @Test(arguments: StoreBackend.allCases)
    func concurrentApprovalsOfOneAddressMakeOneSender(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let root = try await identity.tenancyID()
            async let first = outcome { try await identity.createSender(email: "race@example.com", compartment: root, tags: .none) }
            async let second = outcome { try await identity.createSender(email: "RACE@example.com", compartment: root, tags: .none) }
            let results = await [first, second]
            let created = results.compactMap { try? $0.get() }
            #expect(created.count == 1)
            let winner = try #require(created.first)
            let refusals = results.compactMap { result -> ControlPlaneError? in
                if case .failure(let error) = result { return error as? ControlPlaneError }
                return nil
            }
            #expect(refusals == [.conflict("\(winner.emailAddress) is already an approved sender (\(winner.id))")])
            #expect(try await identity.senders(SenderQuery(compartment: root)).items == [winner])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aSenderInADomainWithAnEmailDomainBelongsToIt(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let root = try await store.identity.tenancyID()
            let domain = try await store.addEmailDomain("example.com")
            let sender = try await store.identity.createSender(email: "a@Example.com", compartment: root, tags: .none)
            #expect(sender.emailDomainId == domain)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func invalidInputIsRefusedWithTheRulesMessages(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let root = try await store.identity.tenancyID()
            let identity = store.identity
            await #expect(throws: ControlPlaneError.invalid(field: "email", "'not an address' is not a valid email address (RFC 5321 mailbox)")) {
                _ = try await identity.createSender(email: "not an address", compartment: root, tags: .none)
            }
            await #expect(throws: ControlPlaneError.missing(field: "email")) {
                _ = try await identity.createSender(email: "  ", compartment: root, tags: .none)
            }
            let wildcard = await controlPlaneError { _ = try await identity.createSender(email: "@example.com", compartment: root, tags: .none) }
            #expect(wildcard?.code == .invalidParameter && wildcard?.message.contains("ACTIVE DKIM key") == true,
                    "a wildcard needs a domain with an active key")
            let missing = OCID.generate(.compartment)
            await #expect(throws: ControlPlaneError.notFound(.compartment, missing.rawValue)) {
                _ = try await identity.createSender(email: "a@example.com", compartment: missing, tags: .none)
            }
            let badTag = await controlPlaneError {
                _ = try await identity.createSender(email: "a@example.com", compartment: root, tags: ResourceTags(freeform: ["a b": "x"]))
            }
            #expect(badTag?.code == .invalidParameter)
            #expect(try await identity.senders(SenderQuery(compartment: root)).items.isEmpty, "nothing was created")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anUnknownSenderIsNotFoundByEveryOperation(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let root = try await identity.tenancyID()
            let id = OCID.generate(.sender)
            let notFound = ControlPlaneError.notFound(.sender, id.rawValue)
            await #expect(throws: notFound) { _ = try await identity.sender(id) }
            await #expect(throws: notFound) { _ = try await identity.updateSender(id, tags: .none) }
            await #expect(throws: notFound) { _ = try await identity.moveSender(id, to: root) }
            await #expect(throws: notFound) { try await identity.deleteSender(id) }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func listsFilterSortAndPageWithoutOverlap(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let root = try await identity.tenancyID()
            let other = try await store.addCompartment("other")
            var created: [Sender] = []
            for address in ["c@example.com", "A@example.com", "e@example.org", "b@Example.org", "d@example.com"] {
                created.append(try await identity.createSender(email: address, compartment: root, tags: .none))
            }
            _ = try await identity.createSender(email: "z@example.com", compartment: other, tags: .none)

            let byAddress = try await Self.allPages(identity, SenderQuery(compartment: root, sortBy: .emailAddress), limit: 2)
            #expect(byAddress.map(\.emailAddress) == ["A@example.com", "b@example.org", "c@example.com", "d@example.com", "e@example.org"])
            let byAddressDown = try await Self.allPages(identity, SenderQuery(compartment: root, sortBy: .emailAddress, sortOrder: .descending),
                                                        limit: 3)
            #expect(byAddressDown == byAddress.reversed())
            let newestFirst = try await Self.allPages(identity, SenderQuery(compartment: root), limit: 2)
            #expect(newestFirst == created.reversed(), "time created, newest first by default")

            let inDomain = try await identity.senders(SenderQuery(compartment: root, domain: "EXAMPLE.org", sortBy: .emailAddress))
            #expect(inDomain.items.map(\.emailAddress) == ["b@example.org", "e@example.org"] && inDomain.nextOffset == nil)
            let one = try await identity.senders(SenderQuery(compartment: root, emailAddress: "a@EXAMPLE.com"))
            #expect(one.items.map(\.id) == [created[1].id])
            let active = try await identity.senders(SenderQuery(compartment: root, lifecycleState: .active))
            #expect(active.items.count == 5)
            let deleting = try await identity.senders(SenderQuery(compartment: root, lifecycleState: .deleting))
            #expect(deleting.items.isEmpty)
            let elsewhere = try await identity.senders(SenderQuery(compartment: other))
            #expect(elsewhere.items.map(\.emailAddress) == ["z@example.com"])
        }
    }

    /// Every page of `query` at `limit` a page, checking that no page repeats an item of another.
    static func allPages(_ identity: any SenderStore, _ query: SenderQuery, limit: Int) async throws -> [Sender] {
        var items: [Sender] = []
        var offset: Int? = 0
        var query = query
        while let next = offset {
            query.page = PageRequest(offset: next, limit: limit)
            let page = try await identity.senders(query)
            #expect(page.items.count <= limit)
            #expect(Set(page.items.map(\.id)).isDisjoint(with: items.map(\.id)), "pages never overlap")
            items += page.items
            offset = page.nextOffset
            if items.count > 100 { break }
        }
        return items
    }

    @Test(arguments: StoreBackend.allCases)
    func updatingReplacesTheTags(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let sender = try await identity.createSender(email: "a@example.com", compartment: try await identity.tenancyID(),
                                                        tags: ResourceTags(freeform: ["old": "1"]))
            let tags = ResourceTags(freeform: ["new": "2"], defined: ["ns": ["k": "v"]])
            let updated = try await identity.updateSender(sender.id, tags: tags)
            #expect(updated.tags == tags)
            #expect(updated.emailAddress == sender.emailAddress && updated.timeCreated == sender.timeCreated)
            #expect(try await identity.sender(sender.id) == updated)
            let refused = await controlPlaneError { _ = try await identity.updateSender(sender.id, tags: ResourceTags(freeform: ["": "x"])) }
            #expect(refused?.code == .invalidParameter)
            #expect(try await identity.sender(sender.id).tags == tags, "a refused update changes nothing")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aMovedSenderListsInItsNewCompartmentOnly(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let root = try await identity.tenancyID()
            let other = try await store.addCompartment("other")
            let sender = try await identity.createSender(email: "a@example.com", compartment: root, tags: .none)
            let moved = try await identity.moveSender(sender.id, to: other)
            #expect(moved.compartmentId == other && moved.emailAddress == sender.emailAddress)
            #expect(try await identity.sender(sender.id).compartmentId == other)
            #expect(try await identity.senders(SenderQuery(compartment: root)).items.isEmpty)
            #expect(try await identity.senders(SenderQuery(compartment: other)).items.map(\.id) == [sender.id])
            let nowhere = OCID.generate(.compartment)
            await #expect(throws: ControlPlaneError.notFound(.compartment, nowhere.rawValue)) {
                _ = try await identity.moveSender(sender.id, to: nowhere)
            }
            #expect(try await identity.sender(sender.id).compartmentId == other)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aDeletedSenderIsGoneAndItsAddressFreeAgain(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let root = try await identity.tenancyID()
            let sender = try await identity.createSender(email: "a@example.com", compartment: root, tags: .none)
            try await identity.deleteSender(sender.id)
            await #expect(throws: ControlPlaneError.notFound(.sender, sender.id.rawValue)) { _ = try await identity.sender(sender.id) }
            let again = try await identity.createSender(email: "A@example.com", compartment: root, tags: .none)
            #expect(again.id != sender.id)
        }
    }
}

/// What `body` returned or threw, for operations run concurrently whose outcomes are compared.
func outcome<T: Sendable>(_ body: @Sendable () async throws -> T) async -> Result<T, any Error> {
    do { return .success(try await body()) } catch { return .failure(error) }
}
