import Crypto
import EnvoiCore
import Foundation
import HTTPTypes
import Hummingbird

/// The control plane (`/20170907`, spec/OCI-API.md §4) and the Identity subset (`/20160918`).
/// Every route checks the caller's verb in the resource's compartment with the same policies as
/// SMTP: `inspect` to list, `read` to get, `manage` to change. A resource the caller may not see
/// answers exactly like one that does not exist (404 NotAuthorizedOrNotFound).
struct ControlPlaneRoutes: Sendable {
    let backend: any ControlPlaneBackend
    let smtpEndpoint: @Sendable () -> String

    static let nextPageHeader = HTTPField.Name("opc-next-page")!
    static let workRequestHeader = HTTPField.Name("opc-work-request-id")!
    /// The one answer for "no such resource" and "not yours", so that existence never leaks.
    static let hiddenMessage = "Authorization failed or requested resource not found"

    func register(on router: Router<APIRequestContext>) {
        registerSenders(on: router)
        registerSuppressions(on: router)
        registerEmailDomains(on: router)
        registerDkims(on: router)
        registerWorkRequests(on: router)
        registerCredentials(on: router)
    }

    // MARK: Shared checks

    /// `ChangeSenderCompartmentDetails` / `ChangeEmailDomainCompartmentDetails`.
    struct ChangeCompartmentDetails: Decodable {
        var compartmentId: String?
    }

    /// The target of a changeCompartment: the caller must be able to manage the resource where it
    /// is (checked by the caller of this) and where it goes.
    static func destination(_ context: APIRequestContext, _ caller: CallerAccess) throws -> OCID {
        let details = try JSONCoding.decode(ChangeCompartmentDetails.self, from: context.body)
        let compartment = try compartmentAttribute(details.compartmentId)
        try require(caller, .manage, in: compartment)
        return compartment
    }

    /// Throws the hidden 404 unless the caller has `verb` in `compartment`.
    static func require(_ caller: CallerAccess, _ verb: PolicyStatement.Verb, in compartment: OCID) throws(APIError) {
        guard caller.permits(verb, in: compartment) else { throw .notAuthorizedOrNotFound(hiddenMessage) }
    }

    /// Fetches a resource and checks `verb` in its compartment; a missing one is the same 404.
    static func visible<T: Sendable>(_ caller: CallerAccess, _ verb: PolicyStatement.Verb, compartment: (T) -> OCID,
                                     fetch: () async throws -> T) async throws -> T {
        let resource: T
        do {
            resource = try await fetch()
        } catch let error as ControlPlaneError where error.code == .notFound {
            throw APIError.notAuthorizedOrNotFound(hiddenMessage)
        }
        try require(caller, verb, in: compartment(resource))
        return resource
    }

    /// A path parameter that must be an id of `type`; anything else is the hidden 404.
    static func pathID(_ context: APIRequestContext, _ name: String, _ type: ResourceType) throws(APIError) -> OCID {
        guard let text = context.parameters.get(name), let id = OCID(text, type: type) else {
            throw .notAuthorizedOrNotFound(hiddenMessage)
        }
        return id
    }

    /// The entity tag of a resource's JSON form: changes whenever any field does.
    static func etag(_ value: some Encodable) throws -> String {
        SHA256.hash(data: try JSONCoding.encode(value)).prefix(16).hexEncoded()
    }

    /// 412 NoEtagMatch when the request has an `if-match` that is not the current etag.
    static func checkIfMatch(_ request: Request, etag: String) throws(APIError) {
        guard let expected = request.headers[.ifMatch] else { return }
        let candidates = expected.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        guard candidates.contains(etag) || candidates.contains("*") else { throw .noEtagMatch }
    }

    /// A list answer: a bare array or `{"items": …}`, with `opc-next-page` unless it is the last page.
    static func list<Item: Encodable>(_ items: [Item], nextOffset: Int?, bare: Bool) throws -> Response {
        var headers: HTTPFields = [:]
        if let nextOffset { headers[nextPageHeader] = PageToken.token(for: nextOffset) }
        return bare ? try JSONCoding.response(items, headers: headers) : try JSONCoding.response(ItemsJSON(items: items), headers: headers)
    }

    /// A single resource with its `etag`.
    static func resource(_ value: some Encodable, status: HTTPResponse.Status = .ok, workRequest: OCID? = nil) throws -> Response {
        var headers: HTTPFields = [.eTag: try etag(value)]
        if let workRequest { headers[workRequestHeader] = workRequest.rawValue }
        return try JSONCoding.response(value, status: status, headers: headers)
    }

    /// A required string attribute of a request body.
    static func requiredAttribute(_ value: String?, _ name: String) throws(APIError) -> String {
        guard let value, !value.isEmpty else { throw .missing("Required attribute \(name) cannot be empty or null") }
        return value
    }

    /// A compartment id attribute of a request body.
    static func compartmentAttribute(_ value: String?, _ name: String = "compartmentId") throws(APIError) -> OCID {
        let text = try requiredAttribute(value, name)
        guard let id = OCID(text), id.type == .compartment || id.type == .tenancy else {
            throw .invalid("Invalid value for \(name): not a compartment OCID")
        }
        return id
    }

    /// The tags of a create or update request; absent fields keep `current`'s.
    static func tags(freeform: [String: String]?, defined: [String: [String: String]]?, keeping current: ResourceTags = .none) -> ResourceTags {
        ResourceTags(freeform: freeform ?? current.freeform, defined: defined ?? current.defined)
    }
}
