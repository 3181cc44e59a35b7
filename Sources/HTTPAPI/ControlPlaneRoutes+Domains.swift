import EnvoiCore
import Hummingbird

/// Email domains, their work requests and the configuration operation.
extension ControlPlaneRoutes {
    struct CreateEmailDomainDetails: Decodable {
        var name: String?
        var compartmentId: String?
        var domainVerificationId: String?
        var description: String?
        var freeformTags: [String: String]?
        var definedTags: [String: [String: String]]?
    }

    struct UpdateEmailDomainDetails: Decodable {
        var domainVerificationId: String?
        var description: String?
        var freeformTags: [String: String]?
        var definedTags: [String: [String: String]]?
    }

    func registerEmailDomains(on router: Router<APIRequestContext>) {
        router.post("/20170907/emailDomains") { request, context in
            let caller = try context.requireCaller()
            let claim = try Self.retryClaim(request, context)
            if let replay = try await replayed(claim) { return replay }
            let details = try JSONCoding.decode(CreateEmailDomainDetails.self, from: context.body)
            let name = try Self.requiredAttribute(details.name, "name")
            let compartment = try Self.compartmentAttribute(details.compartmentId)
            if details.domainVerificationId != nil { throw APIError.invalid("Invalid value for domainVerificationId: domain verification is not supported") }
            try Self.require(caller, .manage, in: compartment)
            return try await backend.createEmailDomain(
                name: name, compartment: compartment, description: details.description,
                tags: Self.tags(freeform: details.freeformTags, defined: details.definedTags),
                answering: Answering(claim) { created in try Self.answer(EmailDomainJSON(created.0), status: .accepted, workRequest: created.1.id) }
            ).response
        }
        router.get("/20170907/emailDomains/:emailDomainId") { _, context in
            try Self.resource(EmailDomainJSON(try await visibleDomain(context, .read)))
        }
        router.get("/20170907/emailDomains") { request, context in
            let caller = try context.requireCaller()
            let query = QueryParameters(request)
            let domainQuery = EmailDomainQuery(
                compartment: try query.compartment(), id: try query.id("id", .emailDomain), name: query.string("name"),
                lifecycleState: try query.enumeration("lifecycleState", EmailDomainLifecycleState.self),
                sortBy: try query.enumeration("sortBy", NamedSortField.self) ?? .timeCreated,
                sortOrder: try query.enumeration("sortOrder", ListOrder.self), page: try query.page())
            try Self.require(caller, .inspect, in: domainQuery.compartment)
            let page = try await backend.emailDomains(domainQuery)
            return try Self.list(page.items.map { EmailDomainJSON($0, summary: true) }, nextOffset: page.nextOffset, bare: false)
        }
        router.put("/20170907/emailDomains/:emailDomainId") { request, context in
            let domain = try await visibleDomain(context, .manage)
            let details = try JSONCoding.decode(UpdateEmailDomainDetails.self, from: context.body)
            if details.domainVerificationId != nil { throw APIError.invalid("Invalid value for domainVerificationId: domain verification is not supported") }
            try Self.checkIfMatch(request, etag: try Self.etag(EmailDomainJSON(domain)))
            try Self.checkLocks(domain.locks, request, deleting: false)
            let tags = details.freeformTags == nil && details.definedTags == nil
                ? nil : Self.tags(freeform: details.freeformTags, defined: details.definedTags, keeping: domain.tags)
            let (_, workRequest) = try await backend.updateEmailDomain(domain.id, description: details.description, tags: tags)
            return JSONCoding.empty(status: .accepted, headers: [Self.workRequestHeader: workRequest.id.rawValue])
        }
        router.post("/20170907/emailDomains/:emailDomainId/actions/changeCompartment") { request, context in
            let claim = try Self.retryClaim(request, context)
            if let replay = try await replayed(claim) { return replay }
            let domain = try await visibleDomain(context, .manage)
            let compartment = try Self.destination(context, try context.requireCaller())
            try Self.checkIfMatch(request, etag: try Self.etag(EmailDomainJSON(domain)))
            try Self.checkLocks(domain.locks, request, deleting: false)
            return try await backend.moveEmailDomain(domain.id, to: compartment, answering: Answering(claim) { moved in
                Self.answer(status: .accepted, workRequest: moved.1.id)
            }).response
        }
        router.delete("/20170907/emailDomains/:emailDomainId") { request, context in
            let domain = try await visibleDomain(context, .manage)
            try Self.checkIfMatch(request, etag: try Self.etag(EmailDomainJSON(domain)))
            try Self.checkLocks(domain.locks, request, deleting: true)
            let workRequest = try await backend.deleteEmailDomain(domain.id)
            return JSONCoding.empty(status: .accepted, headers: [Self.workRequestHeader: workRequest.id.rawValue])
        }
        registerLocks(on: router, base: "/20170907/emailDomains/:emailDomainId", resource: { context in
            let domain = try await visibleDomain(context, .manage)
            return (domain.id, try Self.etag(EmailDomainJSON(domain)))
        }, answer: { id in try Self.resource(EmailDomainJSON(try await backend.emailDomain(id))) })
    }

    private func visibleDomain(_ context: APIRequestContext, _ verb: PolicyStatement.Verb) async throws -> EmailDomain {
        let id = try Self.pathID(context, "emailDomainId", .emailDomain)
        return try await Self.visible(try context.requireCaller(), verb, compartment: \.compartmentId) { try await backend.emailDomain(id) }
    }

    func registerWorkRequests(on router: Router<APIRequestContext>) {
        router.get("/20170907/workRequests/:workRequestId") { _, context in
            try Self.resource(WorkRequestJSON(try await visibleWorkRequest(context)))
        }
        router.get("/20170907/workRequests") { request, context in
            let caller = try context.requireCaller()
            let query = QueryParameters(request)
            _ = try query.enumeration("sortBy", WorkRequestSortField.self)
            let requestQuery = WorkRequestQuery(
                compartment: try query.compartment(), workRequestId: try query.id("workRequestId", .workRequest),
                status: try query.enumeration("status", WorkRequestStatus.self),
                operationType: try query.enumeration("operationType", WorkRequestOperationType.self),
                sortOrder: try query.enumeration("sortOrder", ListOrder.self) ?? .descending, page: try query.page())
            try Self.require(caller, .inspect, in: requestQuery.compartment)
            let page = try await backend.workRequests(requestQuery)
            return try Self.list(page.items.map(WorkRequestJSON.init), nextOffset: page.nextOffset, bare: false)
        }
        router.get("/20170907/workRequests/:workRequestId/errors") { request, context in
            let query = QueryParameters(request)
            _ = try query.enumeration("sortBy", WorkRequestEntrySortField.self)
            _ = try query.enumeration("sortOrder", ListOrder.self)
            _ = try query.page()
            _ = try await visibleWorkRequest(context)
            // Operations finish synchronously and a failed one records no work request: never any errors.
            return try Self.list([WorkRequestLogEntry](), nextOffset: nil, bare: false)
        }
        router.get("/20170907/workRequests/:workRequestId/logs") { request, context in
            let query = QueryParameters(request)
            _ = try query.enumeration("sortBy", WorkRequestEntrySortField.self)
            let order = try query.enumeration("sortOrder", ListOrder.self) ?? .ascending
            let page = try query.page()
            let workRequest = try await visibleWorkRequest(context)
            var entries = try await backend.workRequestLogs(workRequest.id)
            if order == .descending { entries.reverse() }
            let slice = Array(entries.dropFirst(page.offset).prefix(page.limit))
            let next = page.offset + page.limit < entries.count ? page.offset + page.limit : nil
            return try Self.list(slice, nextOffset: next, bare: false)
        }
        router.get("/20170907/configuration") { request, context in
            let caller = try context.requireCaller()
            let compartment = try QueryParameters(request).compartment()
            try Self.require(caller, .inspect, in: compartment)
            let authority = request.head.authority ?? "localhost"
            return try JSONCoding.response(ConfigurationJSON(compartmentId: caller.tenancy.rawValue,
                                                             httpSubmitEndpoint: "https://\(authority)", smtpSubmitEndpoint: smtpEndpoint()))
        }
    }

    private func visibleWorkRequest(_ context: APIRequestContext) async throws -> WorkRequest {
        let id = try Self.pathID(context, "workRequestId", .workRequest)
        return try await Self.visible(try context.requireCaller(), .read, compartment: \.compartmentId) { try await backend.workRequest(id) }
    }
}

/// `sortBy` of work requests.
enum WorkRequestSortField: String, CaseIterable {
    case timeAccepted
}

/// `sortBy` of work request errors and logs.
enum WorkRequestEntrySortField: String, CaseIterable {
    case timestamp
}
