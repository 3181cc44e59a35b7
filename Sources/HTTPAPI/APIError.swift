import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The error code of an API error body (`{"code": …}`), as the cloud SDK reads it
/// (spec/OCI-API.md §8). An open set of named constants, never a literal in a handler.
public struct ErrorCode: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    private init(_ rawValue: String) { self.rawValue = rawValue }

    public static let invalidParameter = ErrorCode("InvalidParameter")
    public static let missingParameter = ErrorCode("MissingParameter")
    public static let limitExceeded = ErrorCode("LimitExceeded")
    public static let notAuthenticated = ErrorCode("NotAuthenticated")
    public static let notAuthorizedOrNotFound = ErrorCode("NotAuthorizedOrNotFound")
    public static let notFound = ErrorCode("NotFound")
    public static let conflict = ErrorCode("Conflict")
    public static let incorrectState = ErrorCode("IncorrectState")
    public static let lockConflict = ErrorCode("LockConflict")
    public static let noEtagMatch = ErrorCode("NoEtagMatch")
    public static let requestEntityTooLarge = ErrorCode("RequestEntityTooLarge")
    public static let requestTimeout = ErrorCode("RequestTimeout")
    public static let tooManyRequests = ErrorCode("TooManyRequests")
    public static let internalServerError = ErrorCode("InternalServerError")

    public var description: String { rawValue }
}

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
    static func requestTimeout(_ timeout: Duration) -> APIError {
        APIError(.requestTimeout, .requestTimeout, "Request body not received within \(timeout.components.seconds) seconds",
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
