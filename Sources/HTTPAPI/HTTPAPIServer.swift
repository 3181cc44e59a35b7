import EnvoiCore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Everything the control plane routes need from the store.
public typealias ControlPlaneBackend = CallerDirectory & SenderStore & SuppressionStore & EmailDomainStore & DkimStore & WorkRequestStore
    & LockStore
    & CredentialStore & SubmissionLedger & TenancyDirectory & RetryTokenLedger

/// The HTTPS API's named settings, each with its default.
public struct HTTPAPIConfiguration: Sendable {
    /// Where to listen (port 0 picks a free port).
    public var listen: HostPort
    /// Requests per second one API key may make (the burst is the same number).
    public var requestsPerSecond: Int
    /// The SMTP endpoint the configuration operation reports (`host:port`).
    public var smtpSubmitEndpoint: @Sendable () -> String
    /// Seconds a connection may stay idle before it is closed.
    public var idleTimeout: Int
    /// The largest control-plane request body.
    public var controlPlaneBodyLimit: Int
    /// Seconds a request body may take to arrive in full (then 408 and the connection closes).
    public var bodyTimeout: Int

    public static let defaultRequestsPerSecond = 100
    public static let defaultIdleTimeout = 60
    public static let defaultControlPlaneBodyLimit = 1_048_576
    public static let defaultBodyTimeout = 30

    public init(listen: HostPort, requestsPerSecond: Int = defaultRequestsPerSecond,
                smtpSubmitEndpoint: @escaping @Sendable () -> String = { "" }, idleTimeout: Int = defaultIdleTimeout,
                controlPlaneBodyLimit: Int = defaultControlPlaneBodyLimit, bodyTimeout: Int = defaultBodyTimeout) {
        self.listen = listen
        self.requestsPerSecond = requestsPerSecond
        self.smtpSubmitEndpoint = smtpSubmitEndpoint
        self.idleTimeout = idleTimeout
        self.controlPlaneBodyLimit = controlPlaneBodyLimit
        self.bodyTimeout = bodyTimeout
    }
}

/// The HTTPS API: the router (both API versions and the identity subset on one listener) and the
/// TLS server that runs it as a `Service`.
public enum HTTPAPI {
    /// Builds the router with its middleware; router-level tests drive it without sockets.
    public static func router(configuration: HTTPAPIConfiguration, intake: any MessageIntake, backend: any ControlPlaneBackend,
                              now: @escaping @Sendable () -> Date = Date.init,
                              clock: (@Sendable () -> Double)? = nil) -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        let controlLimit = configuration.controlPlaneBodyLimit
        let seconds = clock ?? RequestRateLimiter.monotonicSeconds
        let authentication = AuthenticationMiddleware(
            callers: backend, cache: CallerCache(now: seconds),
            limiter: RequestRateLimiter(requestsPerSecond: configuration.requestsPerSecond, now: seconds),
            bodyLimit: { request in
                if request.uri.path.hasPrefix("/20220926/") {
                    let limit = intake.currentMaximumMessageSize()
                    // BEHAVIOUR.md §2: a body over twice the message limit is refused as soon as its length is known.
                    return .init(bytes: 2 * limit, message: "Message exceeds byte limit : limit is \(limit)")
                }
                return .init(bytes: controlLimit, message: "Request body exceeds byte limit : limit is \(controlLimit)")
            },
            now: now)
        router.add(middleware: authentication)
        router.get("/health") { _, _ in try JSONCoding.response(["status": "ok"]) }
        router.get("/openapi.json") { _, _ in OpenAPIDocument.response() }
        DataPlaneRoutes(intake: intake, ledger: backend, now: now).register(on: router)
        ControlPlaneRoutes(backend: backend, smtpEndpoint: configuration.smtpSubmitEndpoint).register(on: router)
        return router
    }
}

/// The HTTPS listener as a service: TLS 1.2 minimum (BEHAVIOUR.md §6), HTTP/1.1 keep-alive.
public struct HTTPAPIServer: Service {
    private let application: Application<RouterResponder<APIRequestContext>>

    /// - Parameter onBound: called with the address actually bound (`https listening on …`).
    public init(configuration: HTTPAPIConfiguration, tls: TLSConfiguration, intake: any MessageIntake,
                backend: any ControlPlaneBackend, logger: Logger,
                onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) throws {
        var tls = tls
        tls.minimumTLSVersion = .tlsv12
        let router = HTTPAPI.router(configuration: configuration, intake: intake, backend: backend)
        let bodyTimeout = TimeAmount.seconds(Int64(configuration.bodyTimeout))
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionCloseHandler(), BodyDeadlineHandler(timeout: bodyTimeout)],
            idleTimeout: .seconds(Int64(configuration.idleTimeout)))
        application = Application(
            router: router,
            server: try .tls(.http1(configuration: http1), tlsConfiguration: tls),
            configuration: .init(address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: nil),
            onServerRunning: { channel in if let address = channel.localAddress { onBound(address) } },
            logger: logger)
    }

    public func run() async throws {
        try await application.run()
    }
}
