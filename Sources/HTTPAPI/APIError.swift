import APIWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The HTTPS API's one error type: an HTTP status, an error code and a message that a client
/// may see. Only these reach a client as they are; any other error becomes a 500 with a generic
/// message and a log line (never a stack trace, SQL text or key material).
public struct APIError: Error, Equatable, Sendable, HTTPResponseError, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: ErrorCode
    public let message: String
    /// Close the connection after the reply (an oversized body that was not read to its end).
    let closesConnection: Bool

    init(_ status: HTTPResponse.Status, _ code: ErrorCode, _ message: String, closesConnection: Bool = false) {
        self.status = status
        self.code = code
        self.message = message
        self.closesConnection = closesConnection
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    /// The one translation of a wire parser's refusal (APIWire): same status, code and message.
    init(_ refusal: WireError) {
        let status: HTTPResponse.Status = switch refusal.status {
        case 400: .badRequest
        case 401: .unauthorized
        default: HTTPResponse.Status(code: refusal.status)
        }
        self.init(status, refusal.code, refusal.message)
    }

    /// `body`'s result, or its refusal as an `APIError`.
    static func mapping<T>(_ body: () throws(WireError) -> T) throws(APIError) -> T {
        do { return try body() } catch { throw APIError(error) }
    }

    /// 400 InvalidParameter.
    static func invalid(_ message: String) -> APIError { APIError(.badRequest, .invalidParameter, message) }
    /// 400 MissingParameter.
    static func missing(_ message: String) -> APIError { APIError(.badRequest, .missingParameter, message) }
    /// 401 NotAuthenticated; `message` says which check failed and never holds key material.
    static func notAuthenticated(_ message: String) -> APIError { APIError(.unauthorized, .notAuthenticated, message) }
    /// 404 NotAuthorizedOrNotFound: the resource does not exist or the caller may not see it.
    static func notAuthorizedOrNotFound(_ message: String) -> APIError { APIError(.notFound, .notAuthorizedOrNotFound, message) }
    /// 412 NoEtagMatch.
    static let noEtagMatch = APIError(.preconditionFailed, .noEtagMatch, "The if-match header does not match the resource's current etag")
    /// 408 RequestTimeout: the body did not arrive within `https.body_timeout`; the connection
    /// is closed, since the rest of the body may still be on its way.
    static func requestTimeout(_ timeout: TimeAmount) -> APIError {
        APIError(.requestTimeout, .requestTimeout, "Request body not received within \(timeout.nanoseconds / 1_000_000_000) seconds",
                 closesConnection: true)
    }
    /// 429 TooManyRequests (BEHAVIOUR.md §2).
    static let tooManyRequests = APIError(.tooManyRequests, .tooManyRequests, "Too many requests. Wait and retry.")
    /// 500 InternalServerError (BEHAVIOUR.md §2).
    static let internalServerError = APIError(.internalServerError, .internalServerError, "Internal server error")
    /// 404 NotFound: no such route.
    static let noSuchRoute = APIError(.notFound, .notFound, "No such operation")

    /// The JSON error body with its content type; `opc-request-id` is added by `RequestIDMiddleware`.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if closesConnection { headers[.connection] = "close" }
        let body = ErrorBody(code: code.rawValue, message: message)
        let data = try JSONEncoder().encode(body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private struct ErrorBody: Encodable {
        var code: String
        var message: String
    }
}
