import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import EnvoiCore

/// `envoi loadgen sink`: a minimal SMTP server that answers 250 to everything and stores
/// nothing, to measure what the load generator itself can sustain.
///
/// Bounded in time like every part of the load tools: it stops at its deadline or when
/// ``stop()`` is called (the command calls it on SIGINT and SIGTERM), whichever comes first.
public final class SMTPSink: Sendable {
    private let host: String
    private let port: Int
    private let tls: NIOSSLContext?
    private let group: any EventLoopGroup
    private let listener = Locked<(any Channel)?>(nil)
    /// The self-signed certificate offered with STARTTLS (PEM), for a client that verifies it.
    public let certificatePEM: String?

    /// A sink that will listen on `host:port` (port 0 picks a free one); with `offersTLS`, it
    /// makes a self-signed certificate for `localhost` and 127.0.0.1 and offers STARTTLS.
    public init(host: String, port: Int, offersTLS: Bool,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.host = host
        self.port = port
        self.group = group
        guard offersTLS else {
            self.tls = nil
            self.certificatePEM = nil
            return
        }
        let (certificatePEM, keyPEM) = try SinkCertificate.make()
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)))
        configuration.minimumTLSVersion = .tlsv12
        self.tls = try NIOSSLContext(configuration: configuration)
        self.certificatePEM = certificatePEM
    }

    /// Binds the listener and returns the address actually bound.
    public func start() async throws -> SocketAddress {
        let tls = self.tls
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SinkHandler(tls: tls))
                }
            }
            .bind(host: host, port: port).get()
        listener.withLock { $0 = channel }
        guard let address = channel.localAddress else { throw ChannelError.inappropriateOperationForState }
        return address
    }

    /// Serves until `deadline` or ``stop()``; then closes the listener. Open sessions end with
    /// the process.
    public func run(until deadline: ContinuousClock.Instant) async throws {
        guard let channel = listener.withLock({ $0 }) else { return }
        let remaining = ContinuousClock.now.duration(to: deadline)
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(max(remaining, .zero))) { channel.close(promise: nil) }
        try? await channel.closeFuture.get()
        timer.cancel()
    }

    /// Binds, reports the bound address (`127.0.0.1:40123`, `[::1]:40123`) to `onBound`, and
    /// serves until `deadline` or ``stop()``, from synchronous code (the command line).
    public func serveAndWait(until deadline: ContinuousClock.Instant, onBound: @escaping @Sendable (String) -> Void) throws {
        let promise = group.next().makePromise(of: Void.self)
        promise.completeWithTask {
            let address = try await self.start()
            let ip = address.ipAddress ?? self.host
            onBound((address.protocol == .inet6 ? "[\(ip)]" : ip) + ":\(address.port ?? self.port)")
            try await self.run(until: deadline)
        }
        try promise.futureResult.wait()
    }

    /// Stops listening; ``run(until:)`` returns.
    public func stop() {
        listener.withLock { $0 }?.close(promise: nil)
    }
}

/// Runs a ``SinkSession`` on one connection.
final class SinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var session: SinkSession
    private let tls: NIOSSLContext?

    init(tls: NIOSSLContext?) {
        self.tls = tls
        self.session = SinkSession(offersTLS: tls != nil)
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: session.greeting())), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        for output in session.receive(buffer.readableBytesView) {
            switch output {
            case .reply(let bytes):
                context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            case .startTLS:
                context.flush()
                guard let tls else { return context.close(promise: nil) }
                // RFC 3207 §4.2: nothing sent in clear after STARTTLS is read; TLS comes first now.
                try? context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
            case .close:
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                    bound.value.close(promise: nil)
                }
                return
            }
        }
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            session.tlsEstablished()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
