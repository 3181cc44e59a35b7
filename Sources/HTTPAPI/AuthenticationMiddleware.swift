import APIWire
import _CryptoExtras
import EnvoiCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Verifies the request signature of every API route (spec/OCI-API.md §7), applies the per-key
/// request rate, reads the body once within its limit and checks it against the signed digest,
/// then resolves what the caller may do. Order: header checks and the key lookup first, the
/// rate before the body is read (BEHAVIOUR.md §2), the body last.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext

    /// The largest body accepted and the 413 message for a request.
    struct BodyLimit: Sendable {
        var bytes: Int
        var message: String
    }

    let callers: any CallerDirectory
    /// Recent key lookups, so that a busy key costs no store round trip per request.
    let cache: CallerCache
    let limiter: RequestRateLimiter
    let bodyLimit: @Sendable (Request) -> BodyLimit
    let now: @Sendable () -> Date
    /// How long the whole body may take to arrive once the head is in: the idle timeout restarts
    /// with every body chunk, so without this a client trickling a byte at a time (Slowloris)
    /// would hold the connection and its buffer forever.
    var bodyTimeout: Duration = .seconds(HTTPAPIConfiguration.defaultBodyTimeout)
    var clock: any Clock<Duration> = ContinuousClock()

    /// Paths served without a signature: the API description and the health check.
    static let publicPaths: Set<String> = ["/openapi.json", "/health"]
    /// How much of an oversized body is read and discarded before the 413, so that a client
    /// still writing sees the answer instead of a reset connection (BEHAVIOUR.md §2); past it
    /// the connection is closed after the 413.
    static let discardLimit = 64 * 1_048_576

    static let xContentSHA256 = HTTPField.Name("x-content-sha256")!
    static let xDate = HTTPField.Name("x-date")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.publicPaths.contains(request.uri.path) { return try await next(request, context) }
        let access: CallerAccess
        do {
            access = try await check(request)
        } catch let refusal as APIError where Self.declaresBody(request) {
            // Refused before its body was read: close rather than let Hummingbird drain a body
            // of any size from a client that is not even authenticated.
            throw APIError(refusal.status, refusal.code, refusal.message, closesConnection: true)
        }
        var context = context
        if ["POST", "PUT", "PATCH"].contains(request.method.rawValue) {
            context.body = try await readBody(request, limit: bodyLimit(request))
            try SignatureVerifier.checkBody(context.body, contentLength: request.headers[.contentLength],
                                            digest: request.headers[Self.xContentSHA256])
        }
        context.caller = access
        return try await next(request, context)
    }

    /// The header checks, the key lookup, the signature and the rate, in that order.
    private func check(_ request: Request) async throws -> CallerAccess {
        guard let value = request.headers[.authorization] else {
            throw APIError.notAuthenticated("Missing signature: the request has no Authorization header")
        }
        let authorization: AuthorizationHeader, keyID: SigningKeyID
        do {
            authorization = try AuthorizationHeader.parse(value)
            keyID = try SigningKeyID.parse(authorization.keyId)
        } catch {
            throw APIError(error)
        }
        let method = request.method.rawValue
        let signed = SignedRequest(method: method, target: request.head.path ?? "/") { name in
            if name == "host" { return request.head.authority }
            // Several fields of one name come joined with ", ", as the signer joined them.
            return HTTPField.Name(name).flatMap { request.headers[$0] }
        }
        let signingString = try SignatureVerifier.signingString(authorization, request: signed)
        let dateHeader = authorization.headers.contains("date") ? request.headers[.date] : request.headers[Self.xDate]
        try SignatureVerifier.checkDate(dateHeader, now: now())
        let (key, access) = try await resolve(keyID, keyId: authorization.keyId)
        try SignatureVerifier.verify(signature: authorization.signature, signingString: signingString, publicKey: key)
        guard limiter.admit(authorization.keyId) else { throw APIError.tooManyRequests }
        return access
    }

    /// Whether a body follows the head (a non-zero Content-Length, or chunked).
    static func declaresBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength] { return length != "0" }
        return request.headers[.transferEncoding] != nil
    }

    /// The registered key of `keyID` and what its user may do, from the cache or the store.
    private func resolve(_ keyID: SigningKeyID, keyId: String) async throws -> (_RSA.Signing.PublicKey, CallerAccess) {
        if let entry = cache.entry(for: keyId) { return (entry.key, entry.access) }
        guard let tenancy = OCID(keyID.tenancy, type: .tenancy), let user = OCID(keyID.user, type: .user),
              let pem = try await callers.signingKey(tenancy: tenancy, user: user, fingerprint: keyID.fingerprint) else {
            throw APIError.notAuthenticated("Unknown key: no API key with this keyId is registered")
        }
        let key = try SignatureVerifier.publicKey(pem)
        let access = try await callers.access(for: user)
        cache.store(keyId, key: key, access: access)
        return (key, access)
    }

    /// The body, refused with 413 as soon as its declared length is over the limit, or once more
    /// than the limit has arrived.
    private func readBody(_ request: Request, limit: BodyLimit) async throws -> [UInt8] {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit.bytes {
            let consumed = try await Self.discard(request.body, upTo: Self.discardLimit)
            throw APIError(.contentTooLarge, .requestEntityTooLarge, limit.message, closesConnection: !consumed)
        }
        let body = request.body
        let (timeout, clock) = (bodyTimeout, clock)
        do {
            return try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
                group.addTask { Array(try await body.collect(upTo: limit.bytes).readableBytesView) }
                group.addTask {
                    try await clock.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let bytes = first else {
                    throw APIError.requestTimeout(timeout)
                }
                return bytes
            }
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, .requestEntityTooLarge, limit.message, closesConnection: true)
        }
    }

    /// Reads and drops up to `limit` bytes of `body`; true when the body ended within it.
    static func discard(_ body: RequestBody, upTo limit: Int) async throws -> Bool {
        var total = 0
        for try await chunk in body {
            total += chunk.readableBytes
            if total > limit { return false }
        }
        return true
    }
}
