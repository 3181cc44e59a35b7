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
        } catch let refusal as APIError where BodyDeadlineHandler.declaresBody(request.headers) {
            // Refused before its body was read: close rather than let Hummingbird drain a body
            // of any size from a client that is not even authenticated.
            throw APIError(refusal.status, refusal.code, refusal.message, closesConnection: true)
        }
        var context = context
        if ["POST", "PUT", "PATCH"].contains(request.method.rawValue) {
            context.body = try await readBody(request, limit: bodyLimit(request))
            try SignatureVerifier.checkBody(context.body, contentLength: request.headers.value(.contentLength),
                                            digest: request.headers.value(Self.xContentSHA256))
        }
        context.caller = access
        return try await next(request, context)
    }

    /// The header checks, the key lookup, the signature and the rate, in that order.
    private func check(_ request: Request) async throws -> CallerAccess {
        guard let value = request.headers.value(.authorization) else {
            throw APIError.notAuthenticated("Missing signature: the request has no Authorization header")
        }
        let authorization: AuthorizationHeader
        do {
            authorization = try AuthorizationHeader.parse(value)
        } catch {
            throw APIError(error)
        }
        let method = request.method.rawValue
        let signed = SignedRequest(method: method, target: request.head.path ?? "/") { name in
            if name == "host" { return request.head.authority }
            // Several fields of one name come joined with ", ", as the signer joined them.
            return HTTPField.Name(name).flatMap { request.headers.value($0) }
        }
        let signingString = try SignatureVerifier.signingString(authorization, request: signed)
        let dateHeader = authorization.headers.contains("date") ? request.headers.value(.date) : request.headers.value(Self.xDate)
        try SignatureVerifier.checkDate(dateHeader, now: now())
        let (key, access) = try await resolve(authorization.keyId)
        try SignatureVerifier.verify(signature: authorization.signature, signingString: signingString, publicKey: key)
        guard limiter.admit(authorization.keyId) else { throw APIError.tooManyRequests }
        return access
    }

    /// The registered key of `keyId` and what its user may do, from the cache (a keyId found
    /// there was well-formed when it was stored) or the store.
    private func resolve(_ keyId: String) async throws -> (_RSA.Signing.PublicKey, CallerAccess) {
        if let entry = cache.entry(for: keyId) { return (entry.key, entry.access) }
        let keyID: SigningKeyID
        do {
            keyID = try SigningKeyID.parse(keyId)
        } catch {
            throw APIError(error)
        }
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
    /// than the limit has arrived; 408 when it does not arrive in time (`BodyDeadlineHandler`).
    private func readBody(_ request: Request, limit: BodyLimit) async throws -> [UInt8] {
        do {
            if let declared = request.headers.value(.contentLength).flatMap(Int.init), declared > limit.bytes {
                let consumed = try await Self.discard(request.body, upTo: Self.discardLimit)
                throw APIError(.contentTooLarge, .requestEntityTooLarge, limit.message, closesConnection: !consumed)
            }
            return Array(try await request.body.collect(upTo: limit.bytes).readableBytesView)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, .requestEntityTooLarge, limit.message, closesConnection: true)
        } catch let late as BodyDeadlineExceeded {
            throw APIError.requestTimeout(late.timeout)
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
