import EnvoiCore
import Foundation
import Hummingbird

/// DKIM keys of email domains (`/20170907/dkims`). A key lives in its domain's compartment and
/// is authorised like the domain: `manage` to create, change or delete, `read` to get, `inspect`
/// to list. Private keys are accepted on create (an import) and never answered or logged.
extension ControlPlaneRoutes {
    struct CreateDkimDetails: Decodable {
        var emailDomainId: String?
        var name: String?
        var description: String?
        var privateKey: String?
        var freeformTags: [String: String]?
        var definedTags: [String: [String: String]]?
    }

    struct UpdateDkimDetails: Decodable {
        var description: String?
        var freeformTags: [String: String]?
        var definedTags: [String: [String: String]]?
    }

    func registerDkims(on router: Router<APIRequestContext>) {
        router.post("/20170907/dkims") { request, context in
            let caller = try context.requireCaller()
            let claim = try Self.retryClaim(request, context)
            if let replay = try await replayed(claim) { return replay }
            let details = try JSONCoding.decode(CreateDkimDetails.self, from: context.body)
            let domainText = try Self.requiredAttribute(details.emailDomainId, "emailDomainId")
            guard let domainID = OCID(domainText, type: .emailDomain) else {
                throw APIError.invalid("Invalid value for emailDomainId: not an email domain OCID")
            }
            let selector = try details.name.map { try ControlPlaneRules.dkimSelector($0, field: "name") }
            let domain = try await Self.visible(caller, .manage, compartment: \.compartmentId) { try await backend.emailDomain(domainID) }
            let creation = DkimCreation(emailDomainId: domain.id, selector: selector, description: details.description,
                                        privateKeyPEM: details.privateKey, tags: Self.tags(freeform: details.freeformTags, defined: details.definedTags))
            return try await backend.createDkim(creation, answering: Answering(claim) { created in
                try Self.answer(DkimJSON(created.0), status: .accepted, workRequest: created.1.id)
            }).response
        }
        router.get("/20170907/dkims/:dkimId") { _, context in
            try Self.resource(DkimJSON(try await visibleDkim(context, .read)))
        }
        router.get("/20170907/dkims") { request, context in
            let caller = try context.requireCaller()
            let query = QueryParameters(request)
            guard let domainID = try query.id("emailDomainId", .emailDomain) else {
                throw APIError.missing("Required parameter emailDomainId is missing")
            }
            let dkimQuery = DkimQuery(
                emailDomainId: domainID, id: try query.id("id", .dkim), name: query.string("name"),
                lifecycleState: try query.enumeration("lifecycleState", DkimLifecycleState.self, ignoringCase: true),
                sortBy: try query.enumeration("sortBy", NamedSortField.self) ?? .timeCreated,
                sortOrder: try query.enumeration("sortOrder", ListOrder.self), page: try query.page())
            _ = try await Self.visible(caller, .inspect, compartment: \.compartmentId) { try await backend.emailDomain(domainID) }
            let page = try await backend.dkims(dkimQuery)
            return try Self.list(page.items.map { DkimJSON($0, summary: true) }, nextOffset: page.nextOffset, bare: false)
        }
        router.put("/20170907/dkims/:dkimId") { request, context in
            let key = try await visibleDkim(context, .manage)
            let details = try JSONCoding.decode(UpdateDkimDetails.self, from: context.body)
            try Self.checkIfMatch(request, etag: try Self.etag(DkimJSON(key)))
            let tags = details.freeformTags == nil && details.definedTags == nil
                ? nil : Self.tags(freeform: details.freeformTags, defined: details.definedTags, keeping: key.tags)
            let (_, workRequest) = try await backend.updateDkim(key.id, description: details.description, tags: tags)
            return JSONCoding.empty(status: .accepted, headers: [Self.workRequestHeader: workRequest.id.rawValue])
        }
        router.delete("/20170907/dkims/:dkimId") { request, context in
            let key = try await visibleDkim(context, .manage)
            try Self.checkIfMatch(request, etag: try Self.etag(DkimJSON(key)))
            let workRequest = try await backend.deleteDkim(key.id)
            return JSONCoding.empty(status: .accepted, headers: [Self.workRequestHeader: workRequest.id.rawValue])
        }
    }

    private func visibleDkim(_ context: APIRequestContext, _ verb: PolicyStatement.Verb) async throws -> DkimKey {
        let id = try Self.pathID(context, "dkimId", .dkim)
        return try await Self.visible(try context.requireCaller(), verb, compartment: \.compartmentId) { try await backend.dkim(id) }
    }
}

/// `Dkim` (and `DkimSummary`, which has no DNS fields and no `lifecycleDetails`). There is no
/// private key field: the key stays sealed in the store.
struct DkimJSON: Encodable {
    var name: String
    var id: String
    var emailDomainId: String
    var compartmentId: String
    var lifecycleState: String
    var lifecycleDetails: String?
    var description: String?
    var timeCreated: Date
    var timeUpdated: Date
    var dnsSubdomainName: String?
    var cnameRecordValue: String?
    var txtRecordValue: String?
    var isImported: Bool
    var keyLength: Int
    var freeformTags: [String: String]
    var definedTags: [String: [String: String]]

    init(_ key: DkimKey, summary: Bool = false) {
        name = key.name
        id = key.id.rawValue
        emailDomainId = key.emailDomainId.rawValue
        compartmentId = key.compartmentId.rawValue
        lifecycleState = key.lifecycleState.rawValue
        lifecycleDetails = summary ? nil : key.lifecycleDetails
        description = key.description
        timeCreated = key.timeCreated
        timeUpdated = key.timeUpdated
        if !summary {
            dnsSubdomainName = key.dnsSubdomainName
            cnameRecordValue = key.cnameRecordValue
            txtRecordValue = key.txtRecordValue
        }
        isImported = key.isImported
        keyLength = key.keyLength
        freeformTags = key.tags.freeform
        definedTags = key.tags.defined
    }
}
