import NIOCore
import NIOPosix
import SMTPProtocol

/// One SMTP client connection, ready for messages: the seam the delivery transports and
/// `envoi loadgen` use.
///
/// ``connect(host:port:configuration:tls:timeouts:group:)`` returns once the session is set up
/// (greeting, EHLO, STARTTLS, AUTH); ``send(_:)`` carries one message at a time; ``quit()``
/// ends the session. Everything runs on the connection's event loop.
public struct SMTPClientConnection: Sendable {
    /// The time limits of a connection.
    public struct Timeouts: Hashable, Sendable {
        /// Establishing the TCP connection.
        public var connect: Duration
        /// Waiting for any one reply (RFC 5321 §4.5.3.2 suggests 2 to 10 minutes between steps).
        public var reply: Duration
        /// The whole setup, from the TCP connection to the session being ready (greeting, EHLO,
        /// STARTTLS, AUTH), however many replies that takes.
        public var setup: Duration

        /// Time limits; the reply default is RFC 5321 §4.5.3.2's shortest command timeout.
        public init(connect: Duration = .seconds(30), reply: Duration = .seconds(300), setup: Duration = .seconds(600)) {
            self.connect = connect
            self.reply = reply
            self.setup = setup
        }
    }

    /// The connection's channel.
    public let channel: any Channel
    /// What the server offered in its last EHLO reply (after STARTTLS, when it was used).
    public let capabilities: SMTPServerCapabilities
    private let handler: NIOLoopBound<SMTPClientHandler>

    /// Connects and sets the session up.
    ///
    /// - Throws: the socket error when the connection fails, or an `SMTPClientError` when the
    ///   session cannot be set up (greeting, EHLO, STARTTLS or AUTH refused, TLS failed, timeout).
    public static func connect(host: String, port: Int, configuration: SMTPClientConfiguration,
                               tls: SMTPClientTLSConfiguration?, timeouts: Timeouts = Timeouts(),
                               group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SMTPClientConnection {
        let loop = group.next()
        let ready = loop.makePromise(of: SMTPServerCapabilities.self)
        let replyTimeout = TimeAmount(timeouts.reply)
        let bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(timeouts.connect))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SMTPClientHandler(configuration: configuration, tls: tls, replyTimeout: replyTimeout, ready: ready)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            ready.fail(error)
            throw error
        }
        do {
            let handler = try await channel.eventLoop.submit {
                NIOLoopBound(try channel.pipeline.syncOperations.handler(type: SMTPClientHandler.self), eventLoop: channel.eventLoop)
            }.get()
            let setupTimer = channel.eventLoop.scheduleTask(in: TimeAmount(timeouts.setup)) { handler.value.expire() }
            defer { setupTimer.cancel() }
            let capabilities = try await ready.futureResult.get()
            return SMTPClientConnection(channel: channel, capabilities: capabilities, handler: handler)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Sends one message and returns what became of each recipient, with the time from MAIL to
    /// the final reply.
    ///
    /// - Throws: ``SMTPClientError/connectionClosed`` when the session is already over.
    public func send(_ message: SMTPClientMessage) async throws -> SMTPClientDelivery {
        let promise = channel.eventLoop.makePromise(of: SMTPClientDelivery.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.send(message, promise: promise) }
        return try await promise.futureResult.get()
    }

    /// Ends the session with QUIT and returns once the connection is closed.
    public func quit() async {
        let promise = channel.eventLoop.makePromise(of: Void.self)
        let handler = self.handler
        channel.eventLoop.execute { handler.value.quit(promise: promise) }
        try? await promise.futureResult.get()
        try? await channel.closeFuture.get()
    }

    /// True while the connection is up: false once the server hung up (an idle 421 or a closed
    /// socket), so that a pooled connection is not handed out dead.
    public var isOpen: Bool { channel.isActive }

    /// Closes the connection without QUIT; a message in flight fails as a closed connection.
    public func close() {
        channel.close(promise: nil)
    }
}

/// The result of one message and how long it took, from MAIL to the final reply.
public struct SMTPClientDelivery: Hashable, Sendable {
    /// What became of each recipient.
    public let result: SMTPDeliveryResult
    /// From the moment the transaction started (RSET or MAIL written) to its deciding reply.
    public let duration: Duration
}
