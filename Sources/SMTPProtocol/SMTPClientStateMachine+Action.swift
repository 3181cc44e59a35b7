extension SMTPClientStateMachine {
    /// What the handler does next. Every input of the state machine returns one.
    ///
    /// After ``send(_:)`` and ``deliver(_:)`` the handler asks
    /// ``SMTPClientStateMachine/nextAction()`` for the following action, until it gets one that
    /// waits (``readMore``, ``awaitMessage``, ``startTLS``) or ends the session; it flushes at
    /// that point, so that a pipelined group leaves in one write (RFC 2920 §3.1).
    public enum Action: Hashable, Sendable {
        /// Write these bytes (commands, or the dot-stuffed content), then call
        /// ``SMTPClientStateMachine/nextAction()``.
        case send([UInt8])
        /// The server said 220 to STARTTLS: flush, start the TLS handshake as the client, and call
        /// ``SMTPClientStateMachine/tlsEstablished()`` once it succeeds (or
        /// ``SMTPClientStateMachine/tlsFailed(_:)``). Bytes read meanwhile are ignored.
        case startTLS
        /// Flush and wait for the server's reply: call
        /// ``SMTPClientStateMachine/receivedBytes(_:)`` when bytes arrive, and
        /// ``SMTPClientStateMachine/timeoutExpired()`` if none do in time.
        case readMore
        /// The session is ready for a message: call ``SMTPClientStateMachine/sendMessage(_:)``
        /// or ``SMTPClientStateMachine/quit()`` when there is one, and keep reading meanwhile
        /// (a server may say 421 at any time). Returned again after each delivery.
        case awaitMessage
        /// This message's transaction is over: hand the result to its owner, then call
        /// ``SMTPClientStateMachine/nextAction()``.
        case deliver(SMTPDeliveryResult)
        /// The session is over: close the connection. Nil after a clean QUIT, otherwise why.
        case close(SMTPClientError?)
    }
}
