import EnvoiCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// The Prometheus exposition endpoint: `GET /metrics` on its own listener (`metrics.listen`), in
/// the text format (version 0.0.4). Anything else is 404; only GET and HEAD are served.
public final class MetricsEndpoint: Service, Sendable {
    private let address: HostPort
    private let registry: PrometheusCollectorRegistry
    private let refresh: @Sendable () -> Void
    private let onBound: @Sendable (SocketAddress) -> Void
    private let group: any EventLoopGroup

    /// - Parameters:
    ///   - refresh: called before each scrape, to bring gauges up to date.
    ///   - onBound: called with the address actually bound.
    public init(address: HostPort, registry: PrometheusCollectorRegistry, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                refresh: @escaping @Sendable () -> Void = {}, onBound: @escaping @Sendable (SocketAddress) -> Void = { _ in }) {
        self.address = address
        self.registry = registry
        self.group = group
        self.refresh = refresh
        self.onBound = onBound
    }

    public func run() async throws {
        let registry = self.registry
        let refresh = self.refresh
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ScrapeHandler(registry: registry, refresh: refresh))
                }
            }
            .bind(host: address.host, port: address.port).get()
        if let local = channel.localAddress { onBound(local) }
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// Answers one HTTP/1.1 request at a time with the registry's current text.
final class ScrapeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private let refresh: @Sendable () -> Void
    private var request: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry, refresh: @escaping @Sendable () -> Void) {
        self.registry = registry
        self.refresh = refresh
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context)
        }
    }

    private func respond(to head: HTTPRequestHead, _ context: ChannelHandlerContext) {
        var status = HTTPResponseStatus.ok
        var body: [UInt8] = []
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        if head.method != .GET && head.method != .HEAD {
            status = .methodNotAllowed
        } else if path != "/metrics" {
            status = .notFound
        } else {
            refresh()
            registry.emit(into: &body)
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: status == .ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
        headers.add(name: "Content-Length", value: "\(head.method == .HEAD ? 0 : body.count)")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if head.method != .HEAD && !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        let keepAlive = head.isKeepAlive
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { bound.value.close(promise: nil) }
        }
    }
}
