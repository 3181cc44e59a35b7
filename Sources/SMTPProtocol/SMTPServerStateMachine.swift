import EnvoiCore

/// The server side of one SMTP submission session, without I/O (RFC 5321, 3207, 4954, 2920).
///
/// A struct with a private state; each input is a mutating method named after the event, and
/// returns the ``Action`` the handler performs (the model of swift-nio's
/// `NIOTypedHTTPServerUpgraderStateMachine` and of NIOSOCKS). The handler owns the socket, TLS,
/// timers and every call into the control plane; it reports results back as events.
///
/// Input is framed here, so that order is kept: while a request to the control plane is
/// outstanding, pipelined commands stay buffered and run only after its result arrived.
///
/// ```swift
/// var machine = SMTPServerStateMachine(configuration: configuration)
/// perform(machine.connected())            // .send(220 …)
/// perform(machine.receivedBytes(bytes))   // .send(250-…) for EHLO, then nextAction() → .readMore
/// // … AUTH → .verifyCredentials(…); later: perform(machine.credentialsVerified(userID: id))
/// ```
public struct SMTPServerStateMachine: Sendable {
    private enum State: Sendable {
        /// Before ``connected()``.
        case awaitingConnection
        /// Reading commands.
        case ready(SMTPSession)
        /// Reading the answer to an AUTH challenge.
        case authenticating(SMTPSession, AuthenticationExchange)
        /// Waiting for ``credentialsVerified(userID:)`` or ``credentialsRejected(_:)``.
        case verifyingCredentials(SMTPSession)
        /// Waiting for the MAIL FROM decision about this envelope.
        case authorizingSender(SMTPSession, SMTPEnvelope)
        /// Waiting for the RCPT decision about this address.
        case checkingRecipient(SMTPSession, EmailAddress)
        /// Reading the message after 354.
        case receivingData(SMTPSession, MessageDataDecoder)
        /// Waiting for the commit of the message.
        case committing(SMTPSession)
        /// 220 sent for STARTTLS; waiting for the handshake.
        case startingTLS(SMTPSession)
        /// The session is over.
        case closed
        /// Placeholder while a payload is mutated in place, so the decoder's buffer is not copied.
        case modifying
    }

    /// The settings and limits of this session.
    public let configuration: SMTPServerConfiguration
    private var state = State.awaitingConnection
    private var input = CommandLineBuffer()

    /// A state machine for one new connection.
    public init(configuration: SMTPServerConfiguration = SMTPServerConfiguration()) {
        self.configuration = configuration
    }

    /// True once TLS is established on this connection.
    public var isTLSActive: Bool { session?.isTLSActive ?? false }
    /// The authenticated user, once AUTH succeeded.
    public var authenticatedUserID: String? { session?.userID }
    /// True while reading DATA content: the handler then runs the DATA timeout, not the command one.
    public var isReceivingData: Bool {
        if case .receivingData = state { return true }
        return false
    }
    /// True once the session has ended.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    private var session: SMTPSession? {
        switch state {
        case .ready(let session), .authenticating(let session, _), .verifyingCredentials(let session),
             .authorizingSender(let session, _), .checkingRecipient(let session, _), .receivingData(let session, _),
             .committing(let session), .startingTLS(let session):
            session
        case .awaitingConnection, .closed, .modifying:
            nil
        }
    }

    // MARK: - Connection events

    /// The connection is accepted: greet (RFC 5321 §4.3.1).
    public mutating func connected() -> Action {
        guard case .awaitingConnection = state else { return unexpectedEvent() }
        state = .ready(SMTPSession())
        return send(.greeting(hostname: configuration.hostname))
    }

    /// The handler refuses the connection (connection limit, throttle): `reply`, a 421, is sent
    /// instead of the greeting, and the session ends (RFC 5321 §3.1).
    public mutating func connectionRefused(_ reply: SMTPReply = .tooManyConnections) -> Action {
        state = .closed
        return .sendAndClose(reply)
    }

    /// Bytes arrived from the client (decrypted, once TLS is up).
    public mutating func receivedBytes(_ bytes: some Collection<UInt8>) -> Action {
        switch state {
        case .closed:
            return .close
        case .startingTLS:
            // Plaintext sent after STARTTLS, before the handshake, is dropped (CVE-2011-0411).
            return .awaitResult
        case .awaitingConnection, .verifyingCredentials, .authorizingSender, .checkingRecipient, .committing:
            // Held until the greeting or the pending result; RFC 2920 §3.1 lets a client send
            // one group of commands ahead, not an unbounded stream.
            guard input.bufferedByteCount + bytes.count <= configuration.maximumHeldInputSize else {
                state = .closed
                return .sendAndClose(.tooMuchPipelinedInput)
            }
            input.append(bytes)
            return nextAction()
        case .receivingData(let session, var decoder) where input.bufferedByteCount == 0:
            // The common case inside DATA: straight into the decoder, without a detour.
            state = .modifying
            let progress = decoder.decode(bytes)
            return advance(progress, decoder: decoder, in: session)
        case .ready, .authenticating, .receivingData:
            input.append(bytes)
            return nextAction()
        case .modifying:
            preconditionFailure("SMTPServerStateMachine re-entered while modifying its state")
        }
    }

    /// The next action from input already received; call after performing a ``Action/send(_:)``.
    public mutating func nextAction() -> Action {
        switch state {
        case .awaitingConnection:
            return .readMore
        case .closed:
            return .close
        case .verifyingCredentials, .authorizingSender, .checkingRecipient, .committing, .startingTLS:
            return .awaitResult
        case .ready(let session):
            guard let line = input.nextLine(maximumLength: configuration.maximumCommandLineLength) else {
                return .readMore
            }
            switch line {
            case .tooLong: return send(.lineTooLong)
            case .complete(let bytes): return execute(bytes, in: session)
            }
        case .authenticating(let session, var exchange):
            guard let line = input.nextLine(maximumLength: configuration.maximumAuthenticationLineLength) else {
                return .readMore
            }
            guard case .complete(let bytes) = line else {
                state = .ready(session)
                return send(.lineTooLong)
            }
            return advance(exchange.respond(to: bytes), exchange: exchange, in: session)
        case .receivingData(let session, var decoder):
            guard input.bufferedByteCount > 0 else { return .readMore }
            state = .modifying  // the decoder's buffer is now uniquely referenced: no copy
            let progress = decoder.decode(input.takeBufferedBytes())
            return advance(progress, decoder: decoder, in: session)
        case .modifying:
            preconditionFailure("SMTPServerStateMachine re-entered while modifying its state")
        }
    }

    // MARK: - Results of the handler's requests

    /// TLS is up: RFC 3207 §4.2 discards everything learnt before, so the client greets again.
    public mutating func tlsEstablished() -> Action {
        guard case .startingTLS = state else { return unexpectedEvent() }
        state = .ready(SMTPSession(isTLSActive: true))
        return nextAction()
    }

    /// The AUTH credentials are valid and belong to `userID`.
    public mutating func credentialsVerified(userID: String) -> Action {
        guard case .verifyingCredentials(var session) = state else { return unexpectedEvent() }
        session.userID = userID
        state = .ready(session)
        return send(.authenticationSuccessful)
    }

    /// The AUTH credentials are wrong (`535 Authentication credentials invalid`), or the
    /// throttle refuses the attempt (`421 Too many auth failures…`, which closes).
    public mutating func credentialsRejected(_ reply: SMTPReply = .authenticationCredentialsInvalid) -> Action {
        guard case .verifyingCredentials(let session) = state else { return unexpectedEvent() }
        state = .ready(session)
        return send(reply)
    }

    /// The user may send as the MAIL FROM address: the transaction starts.
    public mutating func senderAuthorized() -> Action {
        guard case .authorizingSender(var session, let envelope) = state else { return unexpectedEvent() }
        session.transaction = envelope
        state = .ready(session)
        return send(.senderOk)
    }

    /// MAIL FROM is refused with `reply` (`535 Authorization failed…`, `455 …`, a 421).
    public mutating func senderRejected(_ reply: SMTPReply) -> Action {
        guard case .authorizingSender(let session, _) = state else { return unexpectedEvent() }
        state = .ready(session)
        return send(reply)
    }

    /// The recipient is accepted for delivery.
    public mutating func recipientAccepted() -> Action {
        guard case .checkingRecipient(var session, let address) = state else { return unexpectedEvent() }
        session.transaction?.recipients.append(address)
        state = .ready(session)
        return send(.recipientOk)
    }

    /// The recipient is on the suppression list: `254 4.7.1 Suppression for user …`. It counts
    /// as accepted, so DATA may follow, but the message is never delivered to it.
    public mutating func recipientSuppressed() -> Action {
        guard case .checkingRecipient(var session, let address) = state else { return unexpectedEvent() }
        session.transaction?.suppressedRecipients.append(address)
        state = .ready(session)
        return send(.suppressed(user: session.userID ?? "", recipient: address.description))
    }

    /// The recipient is refused with `reply` (for example `455` when it would pass a send limit).
    public mutating func recipientRejected(_ reply: SMTPReply) -> Action {
        guard case .checkingRecipient(let session, _) = state else { return unexpectedEvent() }
        state = .ready(session)
        return send(reply)
    }

    /// The message and its recipients are durably in the queue as `id`: only now `250` is sent.
    public mutating func messageCommitted(id: String) -> Action {
        guard case .committing(var session) = state else { return unexpectedEvent() }
        session.transaction = nil
        state = .ready(session)
        return send(.queued(id: id))
    }

    /// The report was read (and recorded, or deliberately dropped): `250 2.0.0 Ok: report received`.
    public mutating func reportReceived() -> Action {
        guard case .committing(var session) = state else { return unexpectedEvent() }
        session.transaction = nil
        state = .ready(session)
        return send(.reportReceived)
    }

    /// The message is refused after the dot (`452`, `455`, `535 Authorization failed…` for the
    /// header From, `554 Message parse error`); the transaction ends.
    public mutating func messageCommitFailed(_ reply: SMTPReply) -> Action {
        guard case .committing(var session) = state else { return unexpectedEvent() }
        session.transaction = nil
        state = .ready(session)
        return send(reply)
    }

    /// The command or DATA idle timer fired: `421 Timeout waiting for data from client`.
    public mutating func idleTimeoutExpired() -> Action {
        terminate(with: .timeout)
    }

    /// An internal component failed while executing a command (the control plane threw, say):
    /// `421 4.4.0 Problem attempting to execute commands…` by default, then close.
    public mutating func internalErrorOccurred(_ reply: SMTPReply = .commandExecutionProblem) -> Action {
        terminate(with: reply)
    }

    private mutating func terminate(with reply: SMTPReply) -> Action {
        if case .closed = state { return .close }
        state = .closed
        return .sendAndClose(reply)
    }

    /// An event that the current state cannot receive is a handler bug; the session ends with
    /// `421 4.3.0` rather than continue in a state nobody reasoned about. After the end (a
    /// result arriving after a timeout, say) it is simply ignored.
    private mutating func unexpectedEvent() -> Action {
        terminate(with: .mailSystemFailure)
    }

    // MARK: - Command phase

    private mutating func execute(_ line: [UInt8], in session: SMTPSession) -> Action {
        var session = session
        let command: SMTPCommand
        do {
            command = try SMTPCommandParser.parse(line, allowsUTF8Addresses: session.allowsUTF8Addresses)
        } catch {
            return send(session.reply(toParseFailure: error))
        }
        switch session.handle(command, configuration: configuration) {
        case .reply(let reply):
            state = .ready(session)
            return send(reply)
        case .replyAndClose(let reply):
            state = .closed
            return .sendAndClose(reply)
        case .startTLS:
            input.discardBufferedBytes()
            state = .startingTLS(session)
            return .startTLS(.readyToStartTLS)
        case .authenticate(let mechanism, let initialResponse):
            let (exchange, step) = AuthenticationExchange.start(mechanism: mechanism, initialResponse: initialResponse)
            return advance(step, exchange: exchange, in: session)
        case .authorizeSender(let envelope):
            state = .authorizingSender(session, envelope)
            return .authorizeSender(envelope.reversePath, envelope: envelope)
        case .checkRecipient(let address, let envelope):
            state = .checkingRecipient(session, address)
            return .checkRecipient(address, envelope: envelope)
        case .checkReturnPath(let address, let envelope):
            state = .checkingRecipient(session, address)
            return .checkReturnPath(address, envelope: envelope)
        case .receiveData:
            state = .receivingData(session, MessageDataDecoder(
                maximumMessageSize: configuration.maximumMessageSize,
                maximumTextLineLength: configuration.maximumTextLineLength,
                maximumHeaderSectionSize: configuration.maximumHeaderSectionSize))
            return send(.startMailInput)
        }
    }

    private mutating func advance(_ step: AuthenticationExchange.Step, exchange: AuthenticationExchange, in session: SMTPSession) -> Action {
        switch step {
        case .challenge(let reply):
            state = .authenticating(session, exchange)
            return send(reply)
        case .credentials(let credentials):
            state = .verifyingCredentials(session)
            return .verifyCredentials(username: credentials.username, password: credentials.password)
        case .failed(let reply):
            state = .ready(session)
            return send(reply)
        }
    }

    private mutating func advance(_ progress: MessageDataDecoder.Progress, decoder: MessageDataDecoder, in session: SMTPSession) -> Action {
        guard case .complete(let outcome, let leftover) = progress else {
            state = .receivingData(session, decoder)
            return .readMore
        }
        // What follows the final dot are pipelined commands, read after the commit.
        input.append(leftover)
        var session = session
        switch outcome {
        case .accepted(let message):
            guard let envelope = session.transaction else { return unexpectedEvent() }
            state = .committing(session)
            return envelope.isReport ? .processReport(envelope, message: message) : .commitMessage(envelope, message: message)
        case .rejected(let error):
            // RFC 5321 §4.1.1.4: a refused message ends the transaction; the envelope is gone.
            session.transaction = nil
            state = .ready(session)
            return send(error.reply)
        }
    }

    /// Replies with `reply`; a 421 ends the session (RFC 5321 §3.8).
    private mutating func send(_ reply: SMTPReply) -> Action {
        guard reply.closesConnection else { return .send(reply) }
        state = .closed
        return .sendAndClose(reply)
    }
}
