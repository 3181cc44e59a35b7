import EnvoiCore
import Hummingbird

/// The per-request context: Hummingbird's core storage, the `opc-request-id` of the request,
/// the authenticated caller and the body the signature covered.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Echoed or generated; sent back on every response.
    public var requestID = ""
    /// Set by `AuthenticationMiddleware` once the signature verifies.
    public var caller: CallerAccess?
    /// The body of a POST or PUT, read once and checked against `x-content-sha256`.
    public var body: [UInt8] = []

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The authenticated caller; a route that is reached without one is a server bug.
    func requireCaller() throws -> CallerAccess {
        guard let caller else { throw APIError.internalServerError }
        return caller
    }
}
