import Crypto
import EnvoiCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `opc-retry-token` (spec/OCI-API.md §2 and §4): on the operations that declare it, the same
/// caller sending the same request with the same token within 24 hours gets the first answer
/// again (status, body, `etag`, `opc-work-request-id`) and nothing is done a second time; the
/// token on another request is 409 Conflict.
extension ControlPlaneRoutes {
    static let retryTokenHeader = HTTPField.Name("opc-retry-token")!

    /// The claim of a request that carries a retry token (nil when it carries none): the token,
    /// the caller, and a digest of the method, the target and the body.
    static func retryClaim(_ request: Request, _ context: APIRequestContext) throws -> RetryClaim? {
        guard let text = request.headers[retryTokenHeader] else { return nil }
        guard let token = RetryToken(text) else {
            throw APIError.invalid("Invalid value for opc-retry-token: 1 to \(RetryToken.maximumLength) printable ASCII characters are required")
        }
        var digest = SHA256()
        digest.update(data: Data("\(request.method.rawValue) \(request.head.path ?? "")\n".utf8))
        digest.update(data: context.body)
        let fingerprint = digest.finalize().hexEncoded()
        return RetryClaim(user: try context.requireCaller().user, token: token, request: fingerprint)
    }

    /// The recorded answer to a retry, looked up before the request is checked (a retried move
    /// no longer matches its `if-match`); throws 409 when the token was used for another request.
    func replayed(_ claim: RetryClaim?) async throws -> Response? {
        guard let claim else { return nil }
        switch try await backend.state(of: claim) {
        case .unused: return nil
        case .answered(let recorded): return recorded.response
        case .conflicting: throw RetryClaim.reused
        }
    }

    /// The answer of a resource with its `etag` (and its work request), as a retry gets it again.
    static func answer(_ value: some Encodable, status: HTTPResponse.Status = .ok, workRequest: OCID? = nil) throws -> RecordedAnswer {
        RecordedAnswer(status: status.code, body: String(decoding: try JSONCoding.encode(value), as: UTF8.self),
                       etag: try etag(value), workRequestId: workRequest?.rawValue)
    }

    /// A bodiless answer with a work request.
    static func answer(status: HTTPResponse.Status, workRequest: OCID) -> RecordedAnswer {
        RecordedAnswer(status: status.code, body: "", workRequestId: workRequest.rawValue)
    }
}

extension RecordedAnswer {
    /// The HTTP response this answer was (or is again).
    var response: Response {
        var headers: HTTPFields = [:]
        if !body.isEmpty { headers[.contentType] = "application/json" }
        if let etag { headers[.eTag] = etag }
        if let workRequestId { headers[ControlPlaneRoutes.workRequestHeader] = workRequestId }
        let status = HTTPResponse.Status(code: status)
        return body.isEmpty ? Response(status: status, headers: headers)
            : Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
