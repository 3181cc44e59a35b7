import EnvoiCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import SMTPProtocol

/// One SMTP session: feeds the bytes it reads into the pure `SMTPServerStateMachine` and carries
/// out the actions it returns. Nothing here decides anything about mail: control-plane questions go
/// to the `MessageIntake`, off the event loop, and come back as state-machine events.
final class SMTPSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var machine: SMTPServerStateMachine
    private let shared: SMTPSessionDependencies
    private let clientAddress: String
    private var holdsConnectionSlot = false
    private var submitter: Submitter?
    private var idleTimer: Scheduled<Void>?
    private var awaitingResult = false
    /// Set when the server is shutting down: the session ends after its current transaction.
    private var closingAfterTransaction = false

    init(shared: SMTPSessionDependencies, clientAddress: String, maximumMessageSize: Int) {
        self.shared = shared
        self.clientAddress = clientAddress
        self.machine = SMTPServerStateMachine(configuration: shared.configuration.sessionConfiguration(
            maximumMessageSize: maximumMessageSize, returnPathDomain: shared.reports?.returnPathDomain))
    }

    func channelActive(context: ChannelHandlerContext) {
        if shared.guard.isThrottled(clientAddress) {
            run(machine.connectionRefused(.tooManyAuthFailures), context)
        } else if !shared.guard.open(clientAddress) {
            run(machine.connectionRefused(.tooManyConnections), context)
        } else {
            holdsConnectionSlot = true
            shared.logger.debug("smtp session opened", metadata: ["client": .string(clientAddress)])
            run(machine.connected(), context)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        if holdsConnectionSlot {
            holdsConnectionSlot = false
            shared.guard.close(clientAddress)
        }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        run(machine.receivedBytes(buffer.readableBytesView), context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            run(machine.tlsEstablished(), context)
        } else if event is SMTPServer.ShutdownEvent {
            closingAfterTransaction = true
            if !machine.isReceivingData && !awaitingResult {
                run(.sendAndClose(.shuttingDown), context)
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // TLS handshake failures (a TLS 1.1 client, a bad record) and resets end the session.
        shared.logger.debug("smtp session error", metadata: ["client": .string(clientAddress), "error": .string("\(error)")])
        context.close(promise: nil)
    }

    /// Carries out `action` and the ones that follow it until the machine waits for input or a result.
    private func run(_ first: SMTPServerStateMachine.Action, _ context: ChannelHandlerContext) {
        var action = first
        while true {
            switch action {
            case .send(let reply):
                write(reply, context)
                action = machine.nextAction()
            case .sendAndClose(let reply):
                idleTimer?.cancel()
                let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
                context.writeAndFlush(wrapOutboundOut(buffer(reply, context))).whenComplete { _ in bound.value.close(promise: nil) }
                return
            case .startTLS(let reply):
                guard let tls = shared.configuration.tls else {
                    action = machine.internalErrorOccurred()
                    continue
                }
                context.writeAndFlush(wrapOutboundOut(buffer(reply, context)), promise: nil)
                // Anything the client pipelined after STARTTLS was discarded by the machine; from
                // here every byte goes through TLS (RFC 3207 §4.2).
                do {
                    try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
                } catch {
                    action = machine.internalErrorOccurred()
                    continue
                }
                armIdleTimer(context)
                return
            case .verifyCredentials(let username, let password):
                guard !throttled(context) else { return }
                let intake = shared.intake
                // Outcome and user only: the username a client typed may be a mistyped
                // password, and the password or its base64 never reaches a log (SECURITY.md).
                perform(context, { await intake.authenticate(username: username, password: password) }) { handler, result in
                    switch result {
                    case .authenticated(let submitter):
                        handler.submitter = submitter
                        handler.shared.logger.debug("smtp auth accepted", metadata: [
                            "client": .string(handler.clientAddress), "user": .string(submitter.userId.rawValue)])
                        return handler.machine.credentialsVerified(userID: submitter.userId.rawValue)
                    case .rejected:
                        handler.shared.logger.debug("smtp auth refused", metadata: ["client": .string(handler.clientAddress)])
                        handler.shared.guard.recordFailure(handler.clientAddress)
                        return handler.machine.credentialsRejected()
                    case .unavailable:
                        handler.shared.logger.warning("smtp auth could not be checked: the store failed", metadata: [
                            "client": .string(handler.clientAddress)])
                        return handler.machine.internalErrorOccurred()
                    }
                }
                return
            case .authorizeSender(let path, _):
                guard !throttled(context) else { return }
                guard let submitter, case .mailbox(let sender) = path else {
                    action = machine.senderRejected(.authorizationFailed(address: ""))
                    continue
                }
                let intake = shared.intake
                perform(context, { await intake.checkEnvelopeSender(sender, for: submitter) }) { handler, refusal in
                    guard let refusal else { return handler.machine.senderAuthorized() }
                    if refusal.countsAsAuthFailure { handler.shared.guard.recordFailure(handler.clientAddress) }
                    return handler.machine.senderRejected(refusal.smtpReply)
                }
                return
            case .checkRecipient(let recipient, let envelope):
                guard let submitter else { return }
                let intake = shared.intake
                let accepted = envelope.recipients.count
                perform(context, { await intake.checkRecipient(recipient, acceptedSoFar: accepted, for: submitter) }) { handler, decision in
                    switch decision {
                    case .accepted: handler.machine.recipientAccepted()
                    case .suppressed: handler.machine.recipientSuppressed()
                    case .refused(let refusal): handler.machine.recipientRejected(refusal.smtpReply)
                    }
                }
                return
            case .checkReturnPath(let address, _):
                guard let reports = shared.reports else {
                    action = machine.recipientRejected(.authenticationRequired)
                    continue
                }
                perform(context, { await reports.checkReturnPath(address) }) { handler, decision in
                    switch decision {
                    case .accepted: handler.machine.recipientAccepted()
                    case .unknown: handler.machine.recipientRejected(.unknownReturnPath)
                    case .temporaryFailure: handler.machine.recipientRejected(.serverError)
                    }
                }
                return
            case .processReport(let envelope, let message):
                guard let reports = shared.reports else {
                    action = machine.messageCommitFailed(.serverError)
                    continue
                }
                let report = InboundReport(returnPaths: envelope.recipients, message: message,
                                           clientIdentity: envelope.clientIdentity, client: clientAddress)
                perform(context, { await reports.receiveReport(report) }) { handler, outcome in
                    switch outcome {
                    case .recorded, .ignored: return handler.machine.reportReceived()
                    case .storageFailure: return handler.machine.messageCommitFailed(.systemStorageError)
                    }
                }
                return
            case .commitMessage(let envelope, let message):
                guard let submitter, case .mailbox(let sender) = envelope.reversePath else {
                    action = machine.messageCommitFailed(.serverError)
                    continue
                }
                let submission = Submission(submitter: submitter, source: .smtp, envelopeSender: sender, recipients: envelope.recipients,
                                            suppressedRecipients: envelope.suppressedRecipients, message: message, client: clientAddress)
                let intake = shared.intake
                perform(context, { await intake.submit(submission) }) { handler, result in
                    switch result {
                    case .queued(let id, _): return handler.machine.messageCommitted(id: id)
                    case .refused(.mailSystemFailure): return handler.machine.internalErrorOccurred(.mailSystemFailure)
                    // SMTP never asks for a replay; answering one would be a bug, not a success.
                    case .replayed: return handler.machine.internalErrorOccurred()
                    case .refused(let refusal):
                        if refusal.countsAsAuthFailure { handler.shared.guard.recordFailure(handler.clientAddress) }
                        return handler.machine.messageCommitFailed(refusal.smtpReply)
                    }
                }
                return
            case .readMore:
                if closingAfterTransaction && !machine.isReceivingData {
                    action = .sendAndClose(.shuttingDown)
                    continue
                }
                context.flush()
                armIdleTimer(context)
                return
            case .awaitResult:
                context.flush()
                return
            case .close:
                idleTimer?.cancel()
                context.flush()
                context.close(promise: nil)
                return
            }
        }
    }

    /// Before an AUTH or a MAIL FROM: an address over its failure budget is told so and closed.
    private func throttled(_ context: ChannelHandlerContext) -> Bool {
        guard shared.guard.isThrottled(clientAddress) else { return false }
        run(.sendAndClose(.tooManyAuthFailures), context)
        return true
    }

    /// Runs `work` off the event loop, then feeds its result back into the machine on the loop.
    private func perform<Result: Sendable>(_ context: ChannelHandlerContext, _ work: @escaping @Sendable () async -> Result,
                                         then: @escaping (SMTPSessionHandler, Result) -> SMTPServerStateMachine.Action) {
        context.flush()
        idleTimer?.cancel()
        awaitingResult = true
        let bound = NIOLoopBound((self, context, then), eventLoop: context.eventLoop)
        context.eventLoop.makeFutureWithTask(work).whenSuccess { result in
            let (handler, context, then) = bound.value
            handler.awaitingResult = false
            guard context.channel.isActive else { return }
            handler.run(then(handler, result), context)
        }
    }

    private func armIdleTimer(_ context: ChannelHandlerContext) {
        idleTimer?.cancel()
        let timeout = machine.isReceivingData ? shared.configuration.dataTimeout : shared.configuration.commandTimeout
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                                      + timeout.components.attoseconds / 1_000_000_000)) {
            let (handler, context) = bound.value
            handler.run(handler.machine.idleTimeoutExpired(), context)
        }
    }

    private func write(_ reply: SMTPReply, _ context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(buffer(reply, context)), promise: nil)
    }

    private func buffer(_ reply: SMTPReply, _ context: ChannelHandlerContext) -> ByteBuffer {
        context.channel.allocator.buffer(bytes: reply.wireBytes)
    }
}

/// What every session shares: the intake, the limits and the log.
struct SMTPSessionDependencies: Sendable {
    let configuration: SMTPListenerConfiguration
    let intake: any MessageIntake
    /// The report door; nil keeps every transaction behind AUTH.
    let reports: (any ReportIntake)?
    let `guard`: ConnectionGuard
    let logger: Logger
}
