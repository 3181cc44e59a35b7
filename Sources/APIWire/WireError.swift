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

/// A refusal of the wire parsers: the HTTP status, the error code and the message the client
/// gets. HTTPAPI turns it into its `APIError` (`APIError.init(_: WireError)`), unchanged; the
/// parsers stay free of the HTTP server so that the fuzzer builds them alone.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The HTTP status code (400, 401).
    public let status: Int
    public let code: ErrorCode
    /// The message a client may see: it never repeats key material.
    public let message: String

    package init(status: Int, code: ErrorCode, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status) \(code): \(message)" }

    /// 400 InvalidParameter.
    package static func invalid(_ message: String) -> WireError { WireError(status: 400, code: .invalidParameter, message: message) }
    /// 400 MissingParameter.
    package static func missing(_ message: String) -> WireError { WireError(status: 400, code: .missingParameter, message: message) }
    /// 401 NotAuthenticated; `message` says which check failed and never holds key material.
    package static func notAuthenticated(_ message: String) -> WireError {
        WireError(status: 401, code: .notAuthenticated, message: message)
    }
}
