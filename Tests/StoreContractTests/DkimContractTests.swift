import EnvoiCore
import Foundation
import Testing

/// EnvoiCore's `DkimStore` (with DkimService's generator, as `envoi serve` gives it), the same
/// assertions on every backend.
@Suite struct DkimContractTests {
    /// A fixed Ed25519 key, imported so that the tests need not generate RSA keys.
    static let ed25519PEM = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIJOH4E+qzp0PYoIzvdMMWbzXFvz9fmM8VfbxzQDahpc1
        -----END PRIVATE KEY-----
        """

    @Test(arguments: StoreBackend.allCases)
    func anImportedKeyIsStoredInItsDomainsCompartmentRecordedAndNeverShowsItsPrivateKey(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            let tags = ResourceTags(freeform: ["k": "v"])
            let answer = try await store.domains.createDkim(
                DkimCreation(emailDomainId: domain, selector: "s1", description: "signing", privateKeyPEM: Self.ed25519PEM, tags: tags),
                answering: answerIDs())
            let key = try await store.domains.dkim(answer.createdID)
            #expect(key.name == "s1" && key.emailDomainId == domain && key.compartmentId == store.rootCompartment)
            #expect(key.lifecycleState == .needsAttention && key.lifecycleDetails?.hasPrefix("Publish the CNAME s1._domainkey.example.com") == true)
            #expect(key.isImported && key.algorithm == "ed25519-sha256" && key.description == "signing" && key.tags == tags)
            #expect(key.dnsSubdomainName == "s1._domainkey.example.com" && key.cnameRecordValue.hasSuffix("dkim.envoi.test"))
            #expect(key.txtRecordValue.hasPrefix("v=DKIM1; k=ed25519; p="))
            let json = String(decoding: try JSONEncoder().encode(key), as: UTF8.self)
            #expect(!json.contains("MC4CAQAwBQYDK2VwBCIEIJOH4E") && !json.contains("PRIVATE KEY"), "the private key never comes out")
            #expect(try await store.domains.emailDomain(domain).activeDkimId == nil, "a new key does not sign before its DNS is checked")
            let request = try await store.domains.workRequest(answer.workRequestID)
            #expect(request.operationType == .createDkim && request.compartmentId == store.rootCompartment && request.status == .succeeded)
            #expect(request.resources == [WorkRequestResource(entityType: "dkim", actionType: .created, identifier: key.id,
                                                              entityUri: "/20170907/dkims/\(key.id)")])
            #expect(try await store.domains.workRequestLogs(request.id).map(\.message) == ["Created DKIM key s1"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aKeyWithoutAPrivateKeyIsGeneratedAsRSA2048(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            let answer = try await store.domains.createDkim(DkimCreation(emailDomainId: domain, selector: nil, description: nil,
                                                                         privateKeyPEM: nil),
                                                            answering: answerIDs())
            let key = try await store.domains.dkim(answer.createdID)
            #expect(!key.isImported && key.algorithm == "rsa-sha256" && key.keyLength == 2048)
            #expect(key.txtRecordValue.hasPrefix("v=DKIM1; k=rsa; p="))
            #expect(key.name.hasPrefix("envoi-"), "the default selector")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aDuplicateSelectorAThirdKeyABadKeyAndAnUnknownDomainAreRefusedAndRecordNothing(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            _ = try await store.createImportedKey(domain: domain, selector: "s1")
            await #expect(throws: ControlPlaneError.conflict("the email domain already has a DKIM key with selector s1")) {
                _ = try await store.createImportedKey(domain: domain, selector: "s1")
            }
            _ = try await store.createImportedKey(domain: domain, selector: "s2")
            await #expect(throws: ControlPlaneError.limit("the email domain already has 2 DKIM keys (the maximum); delete one first")) {
                _ = try await store.createImportedKey(domain: domain, selector: "s3")
            }
            let other = try await store.createDomain("other.example.com")
            #expect(await controlPlaneErrorCode { _ = try await store.createImportedKey(domain: other, selector: "Bad_Selector") }
                    == .invalidParameter)
            await #expect(throws: ControlPlaneError.invalid(field: "privateKey", "not an RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8) PEM private key")) {
                _ = try await store.domains.createDkim(DkimCreation(emailDomainId: other, selector: "s1", description: nil,
                                                                    privateKeyPEM: "not a key"),
                                                       answering: answerIDs())
            }
            let unknown = OCID.generate(.emailDomain)
            await #expect(throws: ControlPlaneError.notFound(.emailDomain, unknown.rawValue)) {
                _ = try await store.createImportedKey(domain: unknown, selector: "s1")
            }
            let created = try await store.domains.workRequests(WorkRequestQuery(compartment: store.rootCompartment, operationType: .createDkim))
            #expect(created.items.count == 2)
            #expect(try await store.domains.dkims(DkimQuery(emailDomainId: other)).items.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aCreateWithARetryTokenStoresOneKey(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            let claim = RetryClaim(user: store.submitter, token: RetryToken("dkim-token")!, request: "POST dkims s1")
            let creation = DkimCreation(emailDomainId: domain, selector: "s1", description: nil, privateKeyPEM: Self.ed25519PEM)
            let first = try await store.domains.createDkim(creation, answering: answerIDs(claim))
            let again = try await store.domains.createDkim(creation, answering: answerIDs(claim))
            #expect(again == first, "the retry is answered as the first, not refused as a duplicate selector")
            #expect(try await store.domains.dkims(DkimQuery(emailDomainId: domain)).items.map(\.id) == [try first.createdID])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentCreatesOfOneSelectorStoreOneKeyAndRefuseTheRestAsAConflict(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            let outcomes = await withTaskGroup(of: ControlPlaneError.Code?.self) { group in
                for _ in 0..<4 {
                    group.addTask { await controlPlaneErrorCode { _ = try await store.createImportedKey(domain: domain, selector: "s1") } }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == nil }.count == 1 && outcomes.filter { $0 == .conflict }.count == 3,
                    "one key, and the others a conflict (not a database error): \(outcomes)")
            #expect(try await store.domains.dkims(DkimQuery(emailDomainId: domain)).items.count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func keysAreFilteredSortedAndPagedWithinTheirDomain(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            let b = try await store.createImportedKey(domain: domain, selector: "b")
            let a = try await store.createImportedKey(domain: domain, selector: "a")
            func names(_ query: DkimQuery) async throws -> [String] { try await store.domains.dkims(query).items.map(\.name) }
            #expect(try await names(DkimQuery(emailDomainId: domain)) == ["a", "b"], "newest first by default")
            #expect(try await names(DkimQuery(emailDomainId: domain, sortBy: .name)) == ["a", "b"])
            #expect(try await names(DkimQuery(emailDomainId: domain, sortBy: .name, sortOrder: .descending)) == ["b", "a"])
            #expect(try await names(DkimQuery(emailDomainId: domain, sortBy: .timeCreated, sortOrder: .ascending)) == ["b", "a"])
            let byID = try await store.domains.dkims(DkimQuery(emailDomainId: domain, sortBy: .id)).items.map(\.id.rawValue)
            #expect(byID == [a.rawValue, b.rawValue].sorted())
            let page = try await store.domains.dkims(DkimQuery(emailDomainId: domain, sortBy: .name, page: PageRequest(limit: 1)))
            #expect(page.items.map(\.id) == [a] && page.nextOffset == 1)
            let rest = try await store.domains.dkims(DkimQuery(emailDomainId: domain, sortBy: .name, page: PageRequest(offset: 1, limit: 1)))
            #expect(rest.items.map(\.id) == [b] && rest.nextOffset == nil)
            #expect(try await names(DkimQuery(emailDomainId: domain, name: "B")) == ["b"])
            #expect(try await names(DkimQuery(emailDomainId: domain, id: a)) == ["a"])
            #expect(try await names(DkimQuery(emailDomainId: domain, lifecycleState: .needsAttention)).count == 2)
            #expect(try await names(DkimQuery(emailDomainId: domain, lifecycleState: .active)).isEmpty)
            let unknown = OCID.generate(.emailDomain)
            await #expect(throws: ControlPlaneError.notFound(.emailDomain, unknown.rawValue)) {
                _ = try await store.domains.dkims(DkimQuery(emailDomainId: unknown))
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anUpdateAndADeletionAreRecorded(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            let id = try await store.createImportedKey(domain: domain, selector: "s1", description: "before")
            let created = try await store.domains.dkim(id)
            let tags = ResourceTags(freeform: ["x": "y"])
            let (updated, request) = try await store.domains.updateDkim(id, description: "after", tags: tags)
            #expect(updated.description == "after" && updated.tags == tags && updated.timeUpdated > created.timeUpdated)
            #expect(try await store.domains.dkim(id) == updated)
            let (kept, _) = try await store.domains.updateDkim(id, description: nil, tags: nil)
            #expect(kept.description == "after" && kept.tags == tags, "nil leaves each as it is")
            #expect(request.operationType == .updateDkim && request.compartmentId == store.rootCompartment)
            #expect(request.resources == [WorkRequestResource(entityType: "dkim", actionType: .updated, identifier: id,
                                                              entityUri: "/20170907/dkims/\(id)")])
            #expect(try await store.domains.workRequestLogs(request.id).map(\.message) == ["Updated DKIM key s1"])
            #expect(await controlPlaneErrorCode { _ = try await store.domains.updateDkim(id, description: "bad\u{1}", tags: nil) }
                    == .invalidParameter)

            let deletion = try await store.domains.deleteDkim(id)
            #expect(deletion.operationType == .deleteDkim
                    && deletion.resources == [WorkRequestResource(entityType: "dkim", actionType: .deleted, identifier: id, entityUri: nil)])
            #expect(try await store.domains.workRequestLogs(deletion.id).map(\.message) == ["Deleted DKIM key s1"])
            await #expect(throws: ControlPlaneError.notFound(.dkim, id.rawValue)) { _ = try await store.domains.dkim(id) }
            await #expect(throws: ControlPlaneError.notFound(.dkim, id.rawValue)) { _ = try await store.domains.deleteDkim(id) }
            await #expect(throws: ControlPlaneError.notFound(.dkim, id.rawValue)) {
                _ = try await store.domains.updateDkim(id, description: "x", tags: nil)
            }
            _ = try await store.createImportedKey(domain: domain, selector: "s1")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aDomainHasOneActiveKeyAndLosesItWithItsDeletion(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.createDomain("example.com")
            try await store.addDkimKey(domain: domain, selector: "old", state: .active, privateKeyPEM: Self.ed25519PEM)
            try await store.addDkimKey(domain: domain, selector: "new", state: .active, privateKeyPEM: Self.ed25519PEM)
            let keys = try await store.domains.dkims(DkimQuery(emailDomainId: domain, sortBy: .name))
            let (new, old) = (keys.items[0], keys.items[1])
            #expect(new.lifecycleState == .active && old.lifecycleState == .inactive && old.lifecycleDetails == "Replaced by DKIM key new")
            #expect(try await store.domains.emailDomain(domain).activeDkimId == new.id)
            _ = try await store.domains.deleteDkim(old.id)
            #expect(try await store.domains.emailDomain(domain).activeDkimId == new.id, "deleting another key keeps the active one")
            _ = try await store.domains.deleteDkim(new.id)
            #expect(try await store.domains.emailDomain(domain).activeDkimId == nil)
        }
    }
}
