import EnvoiCore
import Hummingbird

/// Approved senders and suppressions: the two resources whose lists are bare JSON arrays.
extension ControlPlaneRoutes {
    struct CreateSenderDetails: Decodable {
        var compartmentId: String?
        var emailAddress: String?
        var emailIpPoolId: String?
        var freeformTags: [String: String]?
        var definedTags: [String: [String: String]]?
    }

    struct UpdateSenderDetails: Decodable {
        var emailIpPoolId: String?
        var freeformTags: [String: String]?
        var definedTags: [String: [String: String]]?
    }

    struct CreateSuppressionDetails: Decodable {
        var compartmentId: String?
        var emailAddress: String?
    }

    func registerSenders(on router: Router<APIRequestContext>) {
        router.post("/20170907/senders") { _, context in
            let caller = try context.requireCaller()
            let details = try JSONCoding.decode(CreateSenderDetails.self, from: context.body)
            let compartment = try Self.compartmentAttribute(details.compartmentId)
            let email = try Self.requiredAttribute(details.emailAddress, "emailAddress")
            if details.emailIpPoolId != nil { throw APIError.invalid("Invalid value for emailIpPoolId: IP pools are not supported") }
            try Self.require(caller, .manage, in: compartment)
            let tags = Self.tags(freeform: details.freeformTags, defined: details.definedTags)
            return try Self.resource(SenderJSON(try await backend.createSender(email: email, compartment: compartment, tags: tags)))
        }
        router.put("/20170907/senders/:senderId") { request, context in
            let sender = try await visibleSender(context, .manage)
            let details = try JSONCoding.decode(UpdateSenderDetails.self, from: context.body)
            if details.emailIpPoolId != nil { throw APIError.invalid("Invalid value for emailIpPoolId: IP pools are not supported") }
            try Self.checkIfMatch(request, etag: try Self.etag(SenderJSON(sender)))
            try Self.checkLocks(sender.locks, request, deleting: false)
            let tags = Self.tags(freeform: details.freeformTags, defined: details.definedTags, keeping: sender.tags)
            return try Self.resource(SenderJSON(try await backend.updateSender(sender.id, tags: tags)))
        }
        router.get("/20170907/senders/:senderId") { _, context in
            let sender = try await visibleSender(context, .read)
            return try Self.resource(SenderJSON(sender))
        }
        router.get("/20170907/senders") { request, context in
            let caller = try context.requireCaller()
            let query = QueryParameters(request)
            let senderQuery = SenderQuery(
                compartment: try query.compartment(), lifecycleState: try query.enumeration("lifecycleState", SenderLifecycleState.self),
                domain: query.string("domain"), emailAddress: query.string("emailAddress"),
                sortBy: try query.enumeration("sortBy", AddressSortField.self) ?? .timeCreated,
                sortOrder: try query.enumeration("sortOrder", ListOrder.self), page: try query.page())
            try Self.require(caller, .inspect, in: senderQuery.compartment)
            // Envoi has no IP pools, so no sender is in one.
            if query.string("emailIpPoolId") != nil { return try Self.list([SenderJSON](), nextOffset: nil, bare: true) }
            let page = try await backend.senders(senderQuery)
            return try Self.list(page.items.map { SenderJSON($0, summary: true) }, nextOffset: page.nextOffset, bare: true)
        }
        router.post("/20170907/senders/:senderId/actions/changeCompartment") { request, context in
            let sender = try await visibleSender(context, .manage)
            let compartment = try Self.destination(context, try context.requireCaller())
            try Self.checkIfMatch(request, etag: try Self.etag(SenderJSON(sender)))
            try Self.checkLocks(sender.locks, request, deleting: false)
            _ = try await backend.moveSender(sender.id, to: compartment)
            return JSONCoding.empty(status: .ok)
        }
        router.delete("/20170907/senders/:senderId") { request, context in
            let sender = try await visibleSender(context, .manage)
            try Self.checkIfMatch(request, etag: try Self.etag(SenderJSON(sender)))
            try Self.checkLocks(sender.locks, request, deleting: true)
            try await backend.deleteSender(sender.id)
            return JSONCoding.empty()
        }
        registerSenderLocks(on: router)
    }

    private func registerSenderLocks(on router: Router<APIRequestContext>) {
        registerLocks(on: router, base: "/20170907/senders/:senderId", resource: { context in
            let sender = try await visibleSender(context, .manage)
            return (sender.id, try Self.etag(SenderJSON(sender)))
        }, answer: { id in try Self.resource(SenderJSON(try await backend.sender(id))) })
    }

    private func visibleSender(_ context: APIRequestContext, _ verb: PolicyStatement.Verb) async throws -> Sender {
        let id = try Self.pathID(context, "senderId", .sender)
        return try await Self.visible(try context.requireCaller(), verb, compartment: \.compartmentId) { try await backend.sender(id) }
    }

    func registerSuppressions(on router: Router<APIRequestContext>) {
        router.post("/20170907/suppressions") { _, context in
            let caller = try context.requireCaller()
            let details = try JSONCoding.decode(CreateSuppressionDetails.self, from: context.body)
            let compartment = try Self.compartmentAttribute(details.compartmentId)
            let email = try Self.requiredAttribute(details.emailAddress, "emailAddress")
            guard compartment == caller.tenancy else { throw APIError.invalid("Invalid value for compartmentId: suppressions belong to the tenancy (root compartment)") }
            try Self.require(caller, .manage, in: caller.tenancy)
            return try Self.resource(SuppressionJSON(try await backend.addSuppression(email: email)))
        }
        router.get("/20170907/suppressions/:suppressionId") { _, context in
            let caller = try context.requireCaller()
            let id = try Self.pathID(context, "suppressionId", .suppression)
            let suppression = try await Self.visible(caller, .read, compartment: \.compartmentId) { try await backend.suppression(id) }
            return try Self.resource(SuppressionJSON(suppression))
        }
        router.get("/20170907/suppressions") { request, context in
            let caller = try context.requireCaller()
            let query = QueryParameters(request)
            let compartment = try query.compartment()
            guard compartment == caller.tenancy else { throw APIError.invalid("Invalid value for compartmentId: suppressions belong to the tenancy (root compartment)") }
            let suppressionQuery = SuppressionQuery(
                emailAddress: query.string("emailAddress"),
                timeCreatedGreaterThanOrEqualTo: try query.time("timeCreatedGreaterThanOrEqualTo"),
                timeCreatedLessThan: try query.time("timeCreatedLessThan"),
                sortBy: try query.enumeration("sortBy", AddressSortField.self) ?? .timeCreated,
                sortOrder: try query.enumeration("sortOrder", ListOrder.self), page: try query.page())
            try Self.require(caller, .inspect, in: caller.tenancy)
            let page = try await backend.suppressions(suppressionQuery)
            return try Self.list(page.items.map { SuppressionJSON($0, summary: true) }, nextOffset: page.nextOffset, bare: true)
        }
        router.delete("/20170907/suppressions/:suppressionId") { _, context in
            let caller = try context.requireCaller()
            let id = try Self.pathID(context, "suppressionId", .suppression)
            let suppression = try await Self.visible(caller, .manage, compartment: \.compartmentId) { try await backend.suppression(id) }
            try await backend.removeSuppression(suppression.id)
            return JSONCoding.empty()
        }
    }
}
