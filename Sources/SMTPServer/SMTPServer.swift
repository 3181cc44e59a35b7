import EnvoiCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The SMTP submission listeners, as one `Service`: binds every configured address, serves
/// sessions until graceful shutdown, then stops accepting, lets sessions in DATA finish within
/// the grace period, and returns.
public final class SMTPServer: Service, Sendable {
    /// Sent to every session when the server shuts down.
    struct ShutdownEvent: Sendable {}

    private let configuration: SMTPListenerConfiguration
    private let dependencies: SMTPSessionDependencies
    private let group: any EventLoopGroup
    private let onBound: @Sendable (SocketAddress) -> Void
    private let statistics: ServiceStatistics
    private let sessions = Locked<[ObjectIdentifier: (channel: any Channel, listener: String)]>([:])

    /// - Parameter onBound: called once per listener with the address actually bound (so that
    ///   `envoi serve` can print `smtp listening on 127.0.0.1:40123` for port 0).
    /// - Parameter reports: the intake of bounces and complaints to VERP return paths; nil (the
    ///   default) keeps every transaction behind AUTH.
    public init(configuration: SMTPListenerConfiguration, intake: any MessageIntake, reports: (any ReportIntake)? = nil,
                statistics: ServiceStatistics, logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.configuration = configuration
        self.group = group
        self.onBound = onBound
        self.statistics = statistics
        self.dependencies = SMTPSessionDependencies(
            configuration: configuration, intake: intake, reports: reports,
            guard: ConnectionGuard(maximumConnections: configuration.maximumConnections,
                                   maximumPerAddress: configuration.maximumConnectionsPerAddress,
                                   failureLimit: configuration.authFailureLimit, failureWindow: configuration.authFailureWindow),
            logger: logger)
    }

    /// Open SMTP connections in all listeners.
    public var openConnections: Int { dependencies.guard.openConnections }

    public func run() async throws {
        var bound: [any Channel] = []
        do {
            for address in configuration.listen {
                let channel = try await bootstrap().bind(host: address.host, port: address.port).get()
                bound.append(channel)
                if let local = channel.localAddress {
                    statistics.setConnections(0, listener: Self.label(local))
                    onBound(local)
                }
            }
        } catch {
            for listener in bound { try? await listener.close() }
            throw error
        }
        let listeners = bound
        await withGracefulShutdownHandler {
            for listener in listeners { try? await listener.closeFuture.get() }
        } onGracefulShutdown: {
            for listener in listeners { listener.close(promise: nil) }
        }
        await drainSessions()
    }

    /// A listener's label in statistics: the address and port actually bound.
    static func label(_ address: SocketAddress?) -> String {
        "\(address?.ipAddress ?? "?"):\(address?.port ?? 0)"
    }

    private func bootstrap() -> ServerBootstrap {
        let dependencies = self.dependencies
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelInitializer { [weak self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let client = channel.remoteAddress?.ipAddress ?? "unknown"
                    let handler = SMTPSessionHandler(shared: dependencies, clientAddress: client,
                                                     maximumMessageSize: dependencies.intake.currentMaximumMessageSize())
                    try channel.pipeline.syncOperations.addHandler(handler)
                    // An accepted connection's local address is its listener's.
                    self?.track(channel, listener: Self.label(channel.localAddress))
                }
            }
    }

    private func track(_ channel: any Channel, listener: String) {
        let key = ObjectIdentifier(channel)
        let open = sessions.withLock { sessions in
            sessions[key] = (channel, listener)
            return sessions.values.filter { $0.listener == listener }.count
        }
        statistics.setConnections(open, listener: listener)
        channel.closeFuture.whenComplete { [weak self] _ in
            guard let self else { return }
            let open = sessions.withLock { sessions in
                sessions.removeValue(forKey: key)
                return sessions.values.filter { $0.listener == listener }.count
            }
            statistics.setConnections(open, listener: listener)
        }
    }

    /// Asks every session to end after its transaction, waits up to the grace period, then closes
    /// whatever is left.
    private func drainSessions() async {
        let open = sessions.withLock { $0.values.map(\.channel) }
        for channel in open { channel.pipeline.fireUserInboundEventTriggered(ShutdownEvent()) }
        let deadline = ContinuousClock.now + configuration.shutdownGracePeriod
        while ContinuousClock.now < deadline, !sessions.withLock({ $0.isEmpty }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for channel in sessions.withLock({ $0.values.map(\.channel) }) { try? await channel.close() }
    }
}
