import EnvoiCore
import Foundation
import Testing

/// EnvoiCore's `EmailDomainStore` and `WorkRequestStore`, the same assertions on every backend.
@Suite struct EmailDomainContractTests {
    @Test(arguments: StoreBackend.allCases)
    func aCreatedDomainIsLowerCasedAndRecordedAsASucceededWorkRequest(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let tags = ResourceTags(freeform: ["team": "mail"], defined: ["ops": ["cost": "1"]])
            let answer = try await store.domains.createEmailDomain(name: "Mail.Example.COM", compartment: store.rootCompartment,
                                                                   description: "outbound", tags: tags, answering: answerIDs())
            let domain = try await store.domains.emailDomain(answer.createdID)
            #expect(domain.name == "mail.example.com" && domain.compartmentId == store.rootCompartment)
            #expect(domain.lifecycleState == .active && domain.activeDkimId == nil && !domain.isSpf && domain.locks.isEmpty)
            #expect(domain.description == "outbound" && domain.tags == tags)
            let request = try await store.domains.workRequest(answer.workRequestID)
            #expect(request.operationType == .createEmailDomain && request.status == .succeeded && request.percentComplete == 100)
            #expect(request.compartmentId == store.rootCompartment)
            #expect(request.resources == [WorkRequestResource(entityType: "emailDomain", actionType: .created, identifier: domain.id,
                                                              entityUri: "/20170907/emailDomains/\(domain.id)")])
            #expect(request.timeStarted == request.timeAccepted && request.timeFinished == request.timeAccepted)
            let logs = try await store.domains.workRequestLogs(request.id)
            #expect(logs == [WorkRequestLogEntry(message: "Created email domain mail.example.com", timestamp: request.timeAccepted)])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aDuplicateInAnyCaseAnInvalidNameAndAnUnknownCompartmentAreRefusedAndRecordNothing(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.createDomain("example.com")
            await #expect(throws: ControlPlaneError.conflict("email domain example.com already exists")) {
                _ = try await store.createDomain("EXAMPLE.com")
            }
            for name in ["not a domain", "exa mple.com", "localhost"] {
                #expect(await controlPlaneErrorCode { _ = try await store.createDomain(name) } == .invalidParameter, "'\(name)'")
            }
            #expect(await controlPlaneErrorCode { _ = try await store.createDomain("") } == .missingParameter)
            let nowhere = OCID.generate(.compartment)
            await #expect(throws: ControlPlaneError.notFound(.compartment, nowhere.rawValue)) {
                _ = try await store.createDomain("other.example.com", in: nowhere)
            }
            #expect(await controlPlaneErrorCode {
                _ = try await store.domains.createEmailDomain(name: "x.example.com", compartment: store.rootCompartment,
                                                              description: "bad\u{7}", tags: .none, answering: answerIDs())
            } == .invalidParameter)
            let requests = try await store.domains.workRequests(WorkRequestQuery(compartment: store.rootCompartment))
            #expect(requests.items.map(\.operationType) == [.createEmailDomain])
            let domains = try await store.domains.emailDomains(EmailDomainQuery(compartment: store.rootCompartment))
            #expect(domains.items.map(\.name) == ["example.com"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func domainsAreFilteredSortedAndPagedWithinTheirCompartment(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let other = try await store.addCompartment("other")
            let b = try await store.createDomain("b.example.com")
            let a = try await store.createDomain("a.example.com")
            _ = try await store.createDomain("c.example.com")
            _ = try await store.createDomain("d.example.com", in: other)
            let root = store.rootCompartment
            func names(_ query: EmailDomainQuery) async throws -> [String] {
                try await store.domains.emailDomains(query).items.map(\.name)
            }
            #expect(try await names(EmailDomainQuery(compartment: root)) == ["c.example.com", "a.example.com", "b.example.com"],
                    "newest first by default")
            #expect(try await names(EmailDomainQuery(compartment: root, sortBy: .timeCreated, sortOrder: .ascending))
                    == ["b.example.com", "a.example.com", "c.example.com"])
            #expect(try await names(EmailDomainQuery(compartment: root, sortBy: .name)) == ["a.example.com", "b.example.com", "c.example.com"])
            #expect(try await names(EmailDomainQuery(compartment: root, sortBy: .name, sortOrder: .descending))
                    == ["c.example.com", "b.example.com", "a.example.com"])
            let byID = try await store.domains.emailDomains(EmailDomainQuery(compartment: root, sortBy: .id)).items.map(\.id.rawValue)
            #expect(byID == byID.sorted())
            let first = try await store.domains.emailDomains(EmailDomainQuery(compartment: root, sortBy: .name, page: PageRequest(limit: 2)))
            #expect(first.items.map(\.name) == ["a.example.com", "b.example.com"] && first.nextOffset == 2)
            let second = try await store.domains.emailDomains(EmailDomainQuery(compartment: root, sortBy: .name,
                                                                               page: PageRequest(offset: 2, limit: 2)))
            #expect(second.items.map(\.name) == ["c.example.com"] && second.nextOffset == nil)
            #expect(try await names(EmailDomainQuery(compartment: root, name: "B.Example.COM")) == ["b.example.com"])
            #expect(try await names(EmailDomainQuery(compartment: root, id: a)) == ["a.example.com"])
            #expect(try await names(EmailDomainQuery(compartment: root, id: b, name: "a.example.com")).isEmpty)
            #expect(try await names(EmailDomainQuery(compartment: root, lifecycleState: .active)).count == 3)
            #expect(try await names(EmailDomainQuery(compartment: root, lifecycleState: .deleting)).isEmpty)
            #expect(try await names(EmailDomainQuery(compartment: other)) == ["d.example.com"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anUpdateChangesWhatItNamesAndIsRecorded(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let id = try await store.createDomain("example.com")
            let tags = ResourceTags(freeform: ["a": "1"])
            let (tagged, tagging) = try await store.domains.updateEmailDomain(id, description: nil, tags: tags)
            #expect(tagged.tags == tags && tagged.description == nil)
            let (described, request) = try await store.domains.updateEmailDomain(id, description: "now described", tags: nil)
            #expect(described.tags == tags && described.description == "now described", "nil leaves each as it is")
            #expect(try await store.domains.emailDomain(id) == described)
            #expect(tagging.id != request.id)
            #expect(request.operationType == .updateEmailDomain && request.compartmentId == store.rootCompartment)
            #expect(request.resources == [WorkRequestResource(entityType: "emailDomain", actionType: .updated, identifier: id,
                                                              entityUri: "/20170907/emailDomains/\(id)")])
            #expect(try await store.domains.workRequestLogs(request.id).map(\.message) == ["Updated email domain example.com"])
            let unknown = OCID.generate(.emailDomain)
            await #expect(throws: ControlPlaneError.notFound(.emailDomain, unknown.rawValue)) {
                _ = try await store.domains.updateEmailDomain(unknown, description: "x", tags: nil)
            }
            #expect(await controlPlaneErrorCode { _ = try await store.domains.updateEmailDomain(id, description: "bad\u{1}", tags: nil) }
                    == .invalidParameter)
            #expect(try await store.domains.emailDomain(id) == described, "a refused update changes nothing")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aMoveTakesTheDomainsDkimKeysAlongAndARetryIsAnsweredOnce(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let target = try await store.addCompartment("target")
            let id = try await store.createDomain("example.com")
            let key = try await store.createImportedKey(domain: id, selector: "s1")
            let claim = RetryClaim(user: store.submitter, token: RetryToken("move-token")!, request: "POST move example.com")
            let answer = try await store.domains.moveEmailDomain(id, to: target, answering: answerIDs(claim))
            let moved = try await store.domains.emailDomain(id)
            #expect(try moved.compartmentId == target && answer.createdID == id)
            #expect(try await store.domains.dkim(key).compartmentId == target, "the domain's keys move with it")
            let request = try await store.domains.workRequest(answer.workRequestID)
            #expect(request.operationType == .moveEmailDomain && request.compartmentId == target)
            #expect(request.resources == [WorkRequestResource(entityType: "emailDomain", actionType: .updated, identifier: id,
                                                              entityUri: "/20170907/emailDomains/\(id)")])
            #expect(try await store.domains.workRequestLogs(request.id).map(\.message)
                    == ["Moved email domain example.com to compartment \(target)"])

            let retried = try await store.domains.moveEmailDomain(id, to: store.rootCompartment, answering: answerIDs(claim))
            #expect(retried == answer, "a retry gets the recorded answer")
            #expect(try await store.domains.emailDomain(id).compartmentId == target, "and moves nothing")
            let moves = try await store.domains.workRequests(WorkRequestQuery(compartment: target, operationType: .moveEmailDomain))
            #expect(moves.items.map(\.id) == [request.id])
            #expect(try await store.domains.workRequests(WorkRequestQuery(compartment: store.rootCompartment,
                                                                          operationType: .moveEmailDomain)).items.isEmpty)

            var reused = claim
            reused.request = "POST move another"
            await #expect(throws: RetryClaim.reused) {
                _ = try await store.domains.moveEmailDomain(id, to: store.rootCompartment, answering: answerIDs(reused))
            }
            let nowhere = OCID.generate(.compartment)
            await #expect(throws: ControlPlaneError.notFound(.compartment, nowhere.rawValue)) {
                _ = try await store.domains.moveEmailDomain(id, to: nowhere, answering: answerIDs())
            }
            let unknown = OCID.generate(.emailDomain)
            await #expect(throws: ControlPlaneError.notFound(.emailDomain, unknown.rawValue)) {
                _ = try await store.domains.moveEmailDomain(unknown, to: target, answering: answerIDs())
            }
            #expect(try await store.domains.emailDomain(id).compartmentId == target)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aCreateWithARetryTokenIsPerformedOnce(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let claim = RetryClaim(user: store.submitter, token: RetryToken("create-token")!, request: "POST create example.com")
            let first = try await store.domains.createEmailDomain(name: "example.com", compartment: store.rootCompartment, description: nil,
                                                                  tags: .none, answering: answerIDs(claim))
            let again = try await store.domains.createEmailDomain(name: "example.com", compartment: store.rootCompartment, description: nil,
                                                                  tags: .none, answering: answerIDs(claim))
            #expect(again == first, "the retry is answered as the first, not refused as a duplicate")
            let requests = try await store.domains.workRequests(WorkRequestQuery(compartment: store.rootCompartment))
            #expect(requests.items.map(\.id.rawValue) == [first.workRequestId])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func concurrentRetriesOfACreateCreateOneDomain(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let claim = RetryClaim(user: store.submitter, token: RetryToken("race-token")!, request: "POST create example.com")
            let root = store.rootCompartment
            let answers = try await withThrowingTaskGroup(of: RecordedAnswer.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await store.domains.createEmailDomain(name: "example.com", compartment: root, description: nil, tags: .none,
                                                                  answering: answerIDs(claim))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(answers.map(\.body)).count == 1 && Set(answers.map(\.workRequestId)).count == 1, "every retry gets the one answer")
            #expect(try await store.domains.workRequests(WorkRequestQuery(compartment: root)).items.count == 1)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aDeletedDomainTakesItsKeysKeepsItsSendersAndIsRecorded(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.approveSender("someone@example.com")
            let id = try await store.createDomain("example.com")
            let key = try await store.createImportedKey(domain: id, selector: "s1")
            let request = try await store.domains.deleteEmailDomain(id)
            #expect(request.operationType == .deleteEmailDomain && request.compartmentId == store.rootCompartment)
            #expect(request.resources == [WorkRequestResource(entityType: "emailDomain", actionType: .deleted, identifier: id, entityUri: nil)])
            #expect(try await store.domains.workRequestLogs(request.id).map(\.message) == ["Deleted email domain example.com"])
            await #expect(throws: ControlPlaneError.notFound(.emailDomain, id.rawValue)) { _ = try await store.domains.emailDomain(id) }
            await #expect(throws: ControlPlaneError.notFound(.dkim, key.rawValue)) { _ = try await store.domains.dkim(key) }
            await #expect(throws: ControlPlaneError.notFound(.emailDomain, id.rawValue)) { _ = try await store.domains.deleteEmailDomain(id) }
            #expect(try await store.createDomain("example.com") != id, "the name is free again")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func workRequestsAreFilteredAndPagedNewestFirst(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let root = store.rootCompartment
            let a = try await store.createDomain("a.example.com")
            _ = try await store.createDomain("b.example.com")
            let (_, update) = try await store.domains.updateEmailDomain(a, description: "x", tags: nil)
            let all = try await store.domains.workRequests(WorkRequestQuery(compartment: root))
            #expect(all.items.map(\.operationType) == [.updateEmailDomain, .createEmailDomain, .createEmailDomain] && all.nextOffset == nil)
            let oldest = try await store.domains.workRequests(WorkRequestQuery(compartment: root, sortOrder: .ascending,
                                                                               page: PageRequest(limit: 2)))
            #expect(oldest.items == Array(all.items.reversed().prefix(2)) && oldest.nextOffset == 2)
            let last = try await store.domains.workRequests(WorkRequestQuery(compartment: root, sortOrder: .ascending,
                                                                             page: PageRequest(offset: 2, limit: 2)))
            #expect(last.items == [update] && last.nextOffset == nil)
            #expect(try await store.domains.workRequests(WorkRequestQuery(compartment: root, operationType: .createEmailDomain)).items.count == 2)
            #expect(try await store.domains.workRequests(WorkRequestQuery(compartment: root, workRequestId: update.id)).items == [update])
            #expect(try await store.domains.workRequests(WorkRequestQuery(compartment: root, status: .succeeded)).items.count == 3)
            #expect(try await store.domains.workRequests(WorkRequestQuery(compartment: root, status: .failed)).items.isEmpty)
            #expect(try await store.domains.workRequests(WorkRequestQuery(compartment: store.addCompartment("empty"))).items.isEmpty)
            #expect(try await store.domains.workRequest(update.id) == update)
            let unknown = OCID.generate(.workRequest)
            await #expect(throws: ControlPlaneError.notFound(.workRequest, unknown.rawValue)) { _ = try await store.domains.workRequest(unknown) }
            await #expect(throws: ControlPlaneError.notFound(.workRequest, unknown.rawValue)) {
                _ = try await store.domains.workRequestLogs(unknown)
            }
        }
    }
}

/// An answer that carries the created (or moved) resource's id and the work request's, so that
/// a test reads both back; with `claim`, recorded under it.
func answerIDs<Resource: IdentifiedResource>(_ claim: RetryClaim? = nil) -> Answering<(Resource, WorkRequest)> {
    Answering(claim) { resource, request in RecordedAnswer(status: 200, body: resource.id.rawValue, workRequestId: request.id.rawValue) }
}

/// A resource with an id (what `answerIDs` records).
protocol IdentifiedResource: Sendable {
    var id: OCID { get }
}

extension EmailDomain: IdentifiedResource {}
extension DkimKey: IdentifiedResource {}

extension RecordedAnswer {
    /// The resource id an `answerIDs` answer carries.
    var createdID: OCID {
        get throws { try #require(OCID(body), "the answer carries no id: \(body)") }
    }

    /// The work request id an `answerIDs` answer carries.
    var workRequestID: OCID {
        get throws { try #require(workRequestId.flatMap(OCID.init), "the answer carries no work request") }
    }
}

extension ContractStore {
    /// Creates the email domain `name` (in the root compartment unless `compartment` is given)
    /// through the HTTPS API's store; its id.
    func createDomain(_ name: String, in compartment: OCID? = nil) async throws -> OCID {
        try await domains.createEmailDomain(name: name, compartment: compartment ?? rootCompartment, description: nil, tags: .none,
                                            answering: answerIDs()).createdID
    }

    /// Imports the contract Ed25519 key as the DKIM key `selector` of `domain`; its id.
    func createImportedKey(domain: OCID, selector: String, description: String? = nil) async throws -> OCID {
        try await domains.createDkim(DkimCreation(emailDomainId: domain, selector: selector, description: description,
                                                  privateKeyPEM: DkimContractTests.ed25519PEM),
                                     answering: answerIDs()).createdID
    }
}
