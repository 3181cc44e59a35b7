import NIOCore
import NIOSSL
import NIOTLS
import SMTPProtocol

/// One client session: feeds the bytes it reads into the pure `SMTPClientStateMachine` and
/// carries out the actions it returns. It decides nothing about SMTP itself; it owns the
/// socket, the STARTTLS handshake, the reply timer and the promises of its owner.
final class SMTPClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var machine: SMTPClientStateMachine
    private let tls: SMTPClientTLSConfiguration?
    private let replyTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var isClosed = false
    /// Succeeded with the capabilities once the session is ready for its first message.
    private var ready: EventLoopPromise<SMTPServerCapabilities>?
    private var delivery: (promise: EventLoopPromise<SMTPClientDelivery>, started: NIODeadline)?
    private var quitting: EventLoopPromise<Void>?

    init(configuration: SMTPClientConfiguration, tls: SMTPClientTLSConfiguration?, replyTimeout: TimeAmount,
         ready: EventLoopPromise<SMTPServerCapabilities>) {
        self.machine = SMTPClientStateMachine(configuration: configuration)
        self.tls = tls
        self.replyTimeout = replyTimeout
        self.ready = ready
    }

    // MARK: - Requests from the owner, on the event loop

    /// Sends `message`; `promise` gets its result, or fails when the session is already over.
    func send(_ message: SMTPClientMessage, promise: EventLoopPromise<SMTPClientDelivery>) {
        guard let context, !isClosed else { return promise.fail(SMTPClientError.connectionClosed) }
        guard delivery == nil else { return promise.fail(SMTPClientError.notReady) }
        delivery = (promise, .now())
        run(machine.sendMessage(message), context)
    }

    /// Ends the session with QUIT; `promise` succeeds once the connection is closed.
    func quit(promise: EventLoopPromise<Void>) {
        guard let context, !isClosed else { return promise.succeed() }
        quitting = promise
        run(machine.quit(), context)
    }

    /// A deadline of the owner passed (the setup took too long): the session ends as timed out.
    func expire() {
        guard let context, !isClosed else { return }
        run(machine.timeoutExpired(), context)
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A channel torn down before it ever became active still owes its owner an answer.
        isClosed = true
        cancelTimer()
        finish(.connectionClosed).forEach { $0() }
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        run(machine.connected(), context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        run(machine.connectionClosed(), context)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        run(machine.receivedBytes(buffer.readableBytesView), context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            run(machine.tlsEstablished(), context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A failed handshake reaches here as an NIOSSL error; anything else (a reset) ends the
        // session as a closed connection.
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            run(machine.tlsFailed(Self.tlsReason(error)), context)
        } else {
            run(machine.connectionClosed(), context)
        }
    }

    // MARK: - Executing the machine's actions

    /// Carries out `first` and the actions after it until the machine waits. Promises are
    /// completed after the loop, so that their callbacks never re-enter the machine mid-turn.
    private func run(_ first: SMTPClientStateMachine.Action, _ context: ChannelHandlerContext) {
        var completions: [() -> Void] = []
        defer { completions.forEach { $0() } }
        var action = first
        while true {
            switch action {
            case .send(let bytes):
                context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
                action = machine.nextAction()
            case .startTLS:
                context.flush()
                do {
                    guard let tls else { throw SMTPClientError.tlsFailed("no TLS configuration") }
                    // RFC 3207 §4.2: from here every byte goes through TLS; the machine has already
                    // dropped any plaintext that came with the 220.
                    try context.pipeline.syncOperations.addHandler(try tls.makeHandler(), position: .first)
                } catch {
                    action = machine.tlsFailed(String(describing: error))
                    continue
                }
                armTimer(context)
                return
            case .readMore:
                context.flush()
                armTimer(context)
                return
            case .awaitMessage:
                context.flush()
                cancelTimer()
                if let ready {
                    self.ready = nil
                    let capabilities = machine.capabilities
                    completions.append { ready.succeed(capabilities) }
                }
                return
            case .deliver(let result):
                if let delivery {
                    self.delivery = nil
                    let elapsed = NIODeadline.now() - delivery.started
                    let outcome = SMTPClientDelivery(result: result, duration: .nanoseconds(elapsed.nanoseconds))
                    completions.append { delivery.promise.succeed(outcome) }
                }
                action = machine.nextAction()
            case .close(let error):
                cancelTimer()
                guard !isClosed else { return }
                isClosed = true
                context.flush()
                context.close(promise: nil)
                completions.append(contentsOf: finish(error))
                return
            }
        }
    }

    /// Completes every outstanding promise once the session is over.
    private func finish(_ error: SMTPClientError?) -> [() -> Void] {
        var completions: [() -> Void] = []
        let failure = error ?? .connectionClosed
        if let ready { completions.append { ready.fail(failure) } }
        if let delivery { completions.append { delivery.promise.fail(failure) } }
        if let quitting { completions.append { quitting.succeed() } }
        ready = nil
        delivery = nil
        quitting = nil
        return completions
    }

    /// The reason names of a TLS error (`CERTIFICATE_VERIFY_FAILED`), without BoringSSL's
    /// error numbers and source paths; the full text when it has none.
    static func tlsReason(_ error: any Error) -> String {
        let text = String(describing: error)
        let marker = "OPENSSL_internal:"
        var reasons: [Substring] = []
        var rest = text[...]
        while let range = rest.range(of: marker) {
            rest = rest[range.upperBound...]
            let reason = rest.prefix { $0 != " " && $0 != "," && $0 != "]" && $0 != ")" }
            if !reason.isEmpty && !reasons.contains(reason) { reasons.append(reason) }
        }
        return reasons.isEmpty ? text : reasons.joined(separator: ", ")
    }

    private func armTimer(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: replyTimeout) {
            let (handler, context) = bound.value
            handler.timer = nil
            handler.run(handler.machine.timeoutExpired(), context)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}
