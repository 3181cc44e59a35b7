import EnvoiCore
import Hummingbird

/// Resource locks (addLock / removeLock) on senders and email domains, and the check every
/// update, move and deletion of them makes (spec/OCI-API.md §4.1: `isLockOverride`).
extension ControlPlaneRoutes {
    struct AddLockDetails: Decodable {
        var type: String?
        var compartmentId: String?
        var relatedResourceId: String?
        var message: String?
    }

    struct RemoveLockDetails: Decodable {
        var type: String?
        var compartmentId: String?
    }

    /// Refuses with 409 LockConflict what a lock forbids, unless the request says
    /// `isLockOverride=true`: any lock forbids a deletion, a FULL lock every change.
    static func checkLocks(_ locks: [ResourceLock], _ request: Request, deleting: Bool) throws(APIError) {
        let override = QueryParameters(request).string("isLockOverride")?.lowercased() == "true"
        guard let lock = ControlPlaneRules.blockingLock(locks, deleting: deleting, override: override) else { return }
        let reason = lock.message.map { ": \($0)" } ?? ""
        throw APIError(.conflict, .lockConflict, "The resource has a \(lock.type.rawValue) lock\(reason). Remove the lock or set isLockOverride")
    }

    /// Registers `…/actions/addLock` and `…/actions/removeLock` under `base` (with its id
    /// parameter); `resource` fetches what the caller may manage, `answer` renders it.
    func registerLocks(on router: Router<APIRequestContext>, base: String,
                       resource: @escaping @Sendable (APIRequestContext) async throws -> (id: OCID, etag: String),
                       answer: @escaping @Sendable (OCID) async throws -> Response) {
        router.post("\(base)/actions/addLock") { request, context in
            let (id, etag) = try await resource(context)
            let details = try JSONCoding.decode(AddLockDetails.self, from: context.body)
            let type = try Self.lockType(details.type)
            let compartment = try details.compartmentId.map { text throws(APIError) in try Self.compartmentAttribute(text) }
            try Self.checkIfMatch(request, etag: etag)
            try await backend.addLock(type, to: id, compartment: compartment, relatedResourceId: details.relatedResourceId,
                                      message: details.message)
            return try await answer(id)
        }
        router.post("\(base)/actions/removeLock") { request, context in
            let (id, etag) = try await resource(context)
            let details = try JSONCoding.decode(RemoveLockDetails.self, from: context.body)
            let type = try Self.lockType(details.type)
            try Self.checkIfMatch(request, etag: etag)
            try await backend.removeLock(type, from: id)
            return try await answer(id)
        }
    }

    private static func lockType(_ text: String?) throws(APIError) -> ResourceLock.Kind {
        let text = try requiredAttribute(text, "type")
        guard let type = ResourceLock.Kind(rawValue: text) else {
            throw .invalid("Invalid value for type: expected one of \(ResourceLock.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return type
    }
}
