/// The client side of one SMTP session, without I/O (RFC 5321, 3207, 4954, 2920).
///
/// The mirror of ``SMTPServerStateMachine``: a struct with a private state; each input is a
/// mutating method named after the event and returns the ``Action`` the handler performs. The
/// handler owns the socket, TLS and timers, and reports what happened as events.
///
/// A session goes greeting → EHLO (HELO when EHLO is refused) → STARTTLS → EHLO → AUTH, then
/// carries one message at a time (``sendMessage(_:)``) and ends with ``quit()``:
///
/// ```swift
/// var machine = SMTPClientStateMachine(configuration: configuration)
/// perform(machine.connected())              // .readMore: wait for the greeting
/// perform(machine.receivedBytes(bytes))     // .send("EHLO …"), then nextAction() → .readMore
/// // … .awaitMessage: perform(machine.sendMessage(message)) … .deliver(result) … .awaitMessage
/// perform(machine.quit())                   // .send("QUIT"), … .close(nil)
/// ```
public struct SMTPClientStateMachine: Sendable {
    enum State: Sendable {
        /// Before ``connected(isTLSActive:)``.
        case disconnected
        /// Waiting for the 220 greeting (RFC 5321 §3.1).
        case awaitingGreeting
        /// EHLO (true) or HELO (false) sent.
        case greeting(isExtended: Bool)
        /// STARTTLS sent, waiting for 220 (RFC 3207 §4).
        case requestingTLS
        /// Waiting for the handler's handshake.
        case tlsHandshake
        /// Inside an AUTH exchange (RFC 4954 §4).
        case authenticating(AuthenticationStep)
        /// No transaction: a message may be sent.
        case ready
        /// One message in flight.
        case transaction(Transaction)
        /// QUIT sent; the error, if any, is reported when the session closes.
        case quitting(SMTPClientError?)
        /// The session is over.
        case closed(SMTPClientError?)
    }

    /// The reply an AUTH exchange waits for next.
    enum AuthenticationStep: Sendable {
        case plainResult, loginUsername, loginPassword, loginResult
    }

    /// The settings of this session.
    public let configuration: SMTPClientConfiguration
    var state = State.disconnected
    var parser: SMTPReplyParser
    /// Actions decided ahead, handed out by ``nextAction()`` before any reply is read.
    var outbox: [Action] = []
    /// What the server offered in its last EHLO reply.
    public internal(set) var capabilities = SMTPServerCapabilities()
    /// True once TLS is up on this connection.
    public internal(set) var isTLSActive = false
    /// True once AUTH succeeded.
    public internal(set) var isAuthenticated = false
    /// True when the last transaction may have left the server inside one (MAIL accepted, no
    /// final reply to content): RSET goes before the next MAIL (RFC 5321 §4.1.1.5).
    var needsReset = false

    /// A state machine for one new connection.
    public init(configuration: SMTPClientConfiguration = SMTPClientConfiguration()) {
        self.configuration = configuration
        self.parser = SMTPReplyParser(maximumLineLength: configuration.maximumReplyLineLength,
                                      maximumLineCount: configuration.maximumReplyLineCount)
    }

    /// True once the session has ended.
    public var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    // MARK: - Connection events

    /// The connection is open; wait for the greeting. `isTLSActive` is true for implicit TLS
    /// (RFC 8314 §3), where STARTTLS is never sent.
    public mutating func connected(isTLSActive: Bool = false) -> Action {
        guard case .disconnected = state else { return nextAction() }
        self.isTLSActive = isTLSActive
        state = .awaitingGreeting
        return .readMore
    }

    /// Bytes arrived from the server (decrypted, once TLS is up).
    public mutating func receivedBytes(_ bytes: some Collection<UInt8>) -> Action {
        switch state {
        case .disconnected, .tlsHandshake, .closed:
            // During the handshake the TLS handler owns the stream; plaintext that came with the
            // 220 was already dropped (RFC 3207 §4.2).
            return nextAction()
        default:
            parser.append(bytes)
            return nextAction()
        }
    }

    /// The next action from what is already known; call after ``Action/send(_:)`` and
    /// ``Action/deliver(_:)``.
    public mutating func nextAction() -> Action {
        if !outbox.isEmpty { return outbox.removeFirst() }
        // Each turn consumes one buffered reply, so the loop ends with the input.
        while true {
            switch state {
            case .disconnected, .tlsHandshake: return .readMore
            case .closed(let error): return .close(error)
            default: break
            }
            let reply: SMTPReply
            do {
                guard let next = try parser.nextReply() else {
                    if case .ready = state { return .awaitMessage }
                    return .readMore
                }
                reply = next
            } catch {
                // The stream cannot be resynchronised: no QUIT, just close.
                return fail(error, quit: false)
            }
            if let action = handle(reply) { return action }
        }
    }

    /// The TLS handshake succeeded: RFC 3207 §4.2 discards what the server said before, so the
    /// client greets again.
    public mutating func tlsEstablished() -> Action {
        guard case .tlsHandshake = state else { return nextAction() }
        isTLSActive = true
        capabilities = SMTPServerCapabilities()
        return hello(extended: true)
    }

    /// The TLS handshake failed: the connection cannot carry SMTP any more.
    public mutating func tlsFailed(_ reason: String) -> Action {
        fail(.tlsFailed(reason), quit: false)
    }

    /// The server did not answer in time (RFC 5321 §4.5.3.2): close without QUIT.
    public mutating func timeoutExpired() -> Action {
        fail(.timeout, quit: false)
    }

    /// The connection ended. After QUIT that is the normal end; otherwise a message in flight
    /// is delivered as failed (transient: it may or may not have arrived, RFC 1047).
    public mutating func connectionClosed() -> Action {
        fail(.connectionClosed, quit: false)
    }

    /// Ends the session: QUIT when idle (RFC 5321 §4.1.1.10); while a message is in flight, its
    /// result is delivered as cancelled first.
    public mutating func quit() -> Action {
        switch state {
        case .ready:
            state = .quitting(nil)
            return .send(Array("QUIT\r\n".utf8))
        case .disconnected:
            state = .closed(nil)
            return .close(nil)
        case .quitting, .closed:
            return nextAction()
        default:
            return fail(.cancelled, quit: true)
        }
    }

    // MARK: - Session setup

    private mutating func handle(_ reply: SMTPReply) -> Action? {
        switch state {
        case .awaitingGreeting:
            // RFC 5321 §3.1: anything but 220 (a 554) means no service; QUIT and go.
            guard reply.code == .serviceReady else { return refuse(reply, at: .greeting) }
            return hello(extended: true)
        case .greeting(let isExtended):
            guard reply.code.isPositiveCompletion else {
                // RFC 5321 §3.2: a server that does not know EHLO says 5yz; fall back to HELO.
                if isExtended && reply.code.isPermanentFailure && !reply.closesConnection {
                    return hello(extended: false)
                }
                return refuse(reply, at: .hello)
            }
            capabilities = isExtended ? SMTPServerCapabilities(ehloReply: reply) : SMTPServerCapabilities()
            return afterHello()
        case .requestingTLS:
            if reply.code == .serviceReady {
                parser.discardBufferedBytes()
                state = .tlsHandshake
                return .startTLS
            }
            if configuration.tlsPolicy == .required || reply.closesConnection {
                return refuse(reply, at: .startTLS)
            }
            return authenticateOrReady()
        case .authenticating(let step):
            return authenticationReply(reply, step: step)
        case .ready:
            // A reply nobody asked for, typically an idle 421: the session is over.
            return fail(.unexpectedReply(.idle, reply), quit: false)
        case .transaction(let transaction):
            return transactionReply(reply, transaction)
        case .quitting(let error):
            state = .closed(error)
            return .close(error)
        case .disconnected, .tlsHandshake, .closed:
            return nil
        }
    }

    private mutating func hello(extended: Bool) -> Action {
        state = .greeting(isExtended: extended)
        return .send(Array("\(extended ? "EHLO" : "HELO") \(configuration.hostname)\r\n".utf8))
    }

    private mutating func afterHello() -> Action? {
        if !isTLSActive && configuration.tlsPolicy != .never {
            if capabilities.startTLS {
                state = .requestingTLS
                return .send(Array("STARTTLS\r\n".utf8))
            }
            if configuration.tlsPolicy == .required { return fail(.tlsNotOffered, quit: true) }
        }
        return authenticateOrReady()
    }

    private mutating func authenticateOrReady() -> Action? {
        guard let credentials = configuration.credentials, !isAuthenticated else {
            state = .ready
            return nil
        }
        guard isTLSActive || configuration.allowsAuthenticationWithoutTLS else {
            return fail(.authenticationNeedsTLS, quit: true)
        }
        // PLAIN with an initial response saves a round trip (RFC 4954 §4); LOGIN otherwise.
        if capabilities.authenticationMechanisms.contains("PLAIN") {
            state = .authenticating(.plainResult)
            return .send(Array("AUTH PLAIN \(credentials.plainResponse)\r\n".utf8))
        }
        if capabilities.authenticationMechanisms.contains("LOGIN") {
            state = .authenticating(.loginUsername)
            return .send(Array("AUTH LOGIN\r\n".utf8))
        }
        return fail(.authenticationNotOffered, quit: true)
    }

    private mutating func authenticationReply(_ reply: SMTPReply, step: AuthenticationStep) -> Action? {
        let credentials = configuration.credentials ?? SMTPClientCredentials(username: "", password: "")
        switch step {
        case .plainResult, .loginResult:
            guard reply.code == .authenticationSucceeded else { return refuse(reply, at: .authentication) }
            isAuthenticated = true
            state = .ready
            return nil
        case .loginUsername, .loginPassword:
            guard reply.code == .authenticationChallenge else { return refuse(reply, at: .authentication) }
            let isUsername = step == .loginUsername
            state = .authenticating(isUsername ? .loginPassword : .loginResult)
            let answer = isUsername ? credentials.username : credentials.password
            return .send(Array((Base64.encode(Array(answer.utf8)) + "\r\n").utf8))
        }
    }

    // MARK: - Ending

    /// The server refused a step the session needs: QUIT (unless it said 421 and is closing,
    /// RFC 5321 §3.8), then close with the reply as the reason.
    mutating func refuse(_ reply: SMTPReply, at stage: SMTPClientStage) -> Action {
        fail(.unexpectedReply(stage, reply), quit: !reply.closesConnection)
    }

    /// Ends the session with `error`: a message in flight is delivered as failed first, then
    /// QUIT is sent when `quit` and the connection can still carry it, then the session closes.
    mutating func fail(_ error: SMTPClientError, quit: Bool) -> Action {
        switch state {
        case .closed, .disconnected:
            if case .disconnected = state { state = .closed(error) }
            return nextAction()
        case .quitting(let pending):
            // QUIT was already sent: whatever happens now, the session's outcome is the one it had.
            state = .closed(pending)
            return nextAction()
        case .transaction(let transaction):
            outbox.append(.deliver(transaction.result(abortedBy: error)))
        default:
            break
        }
        if quit, !isHandshaking {
            state = .quitting(error)
            outbox.append(.send(Array("QUIT\r\n".utf8)))
        } else {
            state = .closed(error)
        }
        return nextAction()
    }

    private var isHandshaking: Bool {
        if case .tlsHandshake = state { return true }
        return false
    }
}
