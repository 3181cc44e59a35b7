import APIWire
import EnvoiCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The outermost middleware: gives every request its `opc-request-id` (the client's, echoed, or
/// a new one) and turns every failure into the JSON error body (spec/OCI-API.md §8). Errors that
/// know their wire form are answered as such; anything else is logged and answered with a
/// generic 500 that leaks nothing.
struct RequestIDMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    static let header = HTTPField.Name("opc-request-id")!
    /// The longest client request id echoed (the SDK's own are 32 characters; a caller's may
    /// have up to three `/`-separated segments).
    static let maximumLength = 98

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.requestID = Self.requestID(from: request.headers.value(Self.header))
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let refusal = Self.apiError(for: error, context: context)
            // The wire message only: it never holds key material or a body (BEHAVIOUR.md §2).
            context.logger.debug("request refused", metadata: [
                "request": .string(context.requestID), "path": .string(request.uri.path), "refusal": .string(refusal.description)])
            response = try refusal.response(from: request, context: context)
        }
        response.headers[Self.header] = context.requestID
        return response
    }

    /// The client's id when it is printable ASCII of a sane length, else 32 upper-case hex digits.
    static func requestID(from client: String?) -> String {
        if let client, !client.isEmpty, client.utf8.count <= maximumLength,
           client.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
            return client
        }
        return RandomHex.string(bytes: 16).uppercased()
    }

    /// The wire form of any error a route or middleware threw.
    static func apiError(for error: any Error, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as WireError:
            return APIError(error)
        case let error as ControlPlaneError:
            return error.apiError
        case let error as HTTPError where error.status == .notFound:
            return .noSuchRoute
        case let error as HTTPError where error.status == .contentTooLarge:
            return APIError(.contentTooLarge, .requestEntityTooLarge, "Request body exceeds the byte limit", closesConnection: true)
        case let error as HTTPError where error.status == .methodNotAllowed:
            return APIError(.methodNotAllowed, ErrorCode.notFound, "Method not allowed on this path")
        default:
            // The type only: error descriptions may hold paths or SQL-derived text.
            context.logger.error("request \(context.requestID) failed: \(type(of: error))")
            return .internalServerError
        }
    }
}

extension ControlPlaneError {
    /// The HTTP form of a control-plane refusal.
    var apiError: APIError {
        switch code {
        case .invalidParameter: APIError(.badRequest, .invalidParameter, message)
        case .missingParameter: APIError(.badRequest, .missingParameter, message)
        case .notFound: APIError(.notFound, .notAuthorizedOrNotFound, message)
        case .conflict: APIError(.conflict, .conflict, message)
        case .limitExceeded: APIError(.badRequest, .limitExceeded, message)
        case .incorrectState: APIError(.conflict, .incorrectState, message)
        default: APIError(.badRequest, .invalidParameter, message)
        }
    }
}
