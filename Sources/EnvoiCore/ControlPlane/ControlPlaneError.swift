/// The control plane's error: a code that says how a door answers it (exit status, HTTP status)
/// and a one-line message that names the field or resource and the problem.
///
/// A struct over an open code, so that new codes never break callers (swift-certificates'
/// `CertificateError` pattern).
public struct ControlPlaneError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of refusal this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A field is malformed or out of range (HTTP 400 InvalidParameter).
        public static let invalidParameter = Code("InvalidParameter")
        /// A required field is missing (HTTP 400 MissingParameter).
        public static let missingParameter = Code("MissingParameter")
        /// No such resource, or not visible to the caller (HTTP 404 NotAuthorizedOrNotFound).
        public static let notFound = Code("NotAuthorizedOrNotFound")
        /// The request conflicts with existing state: a duplicate, a non-empty parent (HTTP 409).
        public static let conflict = Code("Conflict")
        /// A count limit of the control plane was reached, such as two credentials per user (HTTP 400).
        public static let limitExceeded = Code("LimitExceeded")
        /// The resource is in a state that does not allow the operation (HTTP 409 IncorrectState).
        public static let incorrectState = Code("IncorrectState")

        public var description: String { name }
    }

    public let code: Code
    public let message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// `field`: `problem`.
    public static func invalid(field: String, _ problem: String) -> ControlPlaneError {
        ControlPlaneError(code: .invalidParameter, message: "\(field): \(problem)")
    }

    /// `field` is required.
    public static func missing(field: String) -> ControlPlaneError {
        ControlPlaneError(code: .missingParameter, message: "\(field): required")
    }

    /// No `type` with id `id`.
    public static func notFound(_ type: ResourceType, _ id: String) -> ControlPlaneError {
        ControlPlaneError(code: .notFound, message: "\(type.displayName) \(id) not found")
    }

    /// Anything that conflicts with existing state.
    public static func conflict(_ message: String) -> ControlPlaneError {
        ControlPlaneError(code: .conflict, message: message)
    }

    /// A control-plane count limit.
    public static func limit(_ message: String) -> ControlPlaneError {
        ControlPlaneError(code: .limitExceeded, message: message)
    }
}
