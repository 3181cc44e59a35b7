import EnvoiCore

extension SMTPServerStateMachine {
    /// What the handler does next. Every input of the state machine returns one.
    ///
    /// After ``send(_:)`` the handler writes the reply and asks ``SMTPServerStateMachine/nextAction()``
    /// for the following action, until it gets one that waits (``readMore``, ``awaitResult``, a
    /// request to the control plane) or ends the session; it flushes at that point, so that
    /// pipelined replies leave in one write (RFC 2920 §3.1).
    public enum Action: Hashable, Sendable {
        /// Write this reply, then call ``SMTPServerStateMachine/nextAction()``.
        case send(SMTPReply)
        /// Write this reply, flush, and close the connection.
        case sendAndClose(SMTPReply)
        /// Write this reply (220), flush, and start the TLS handshake without reading any more
        /// plaintext; call ``SMTPServerStateMachine/tlsEstablished()`` once it succeeds, or close.
        case startTLS(SMTPReply)
        /// Verify these AUTH credentials off the event loop, then call
        /// ``SMTPServerStateMachine/credentialsVerified(userID:)`` or
        /// ``SMTPServerStateMachine/credentialsRejected(_:)``.
        case verifyCredentials(username: String, password: String)
        /// Ask whether the envelope's user may send as this reverse-path (approved senders,
        /// send limits, auth-failure throttle), then call
        /// ``SMTPServerStateMachine/senderAuthorized()`` or ``SMTPServerStateMachine/senderRejected(_:)``.
        case authorizeSender(ReversePath, envelope: SMTPEnvelope)
        /// Check this recipient of the transaction (suppression list, send limits), then call
        /// ``SMTPServerStateMachine/recipientAccepted()``, ``SMTPServerStateMachine/recipientSuppressed()``
        /// or ``SMTPServerStateMachine/recipientRejected(_:)``.
        case checkRecipient(EmailAddress, envelope: SMTPEnvelope)
        /// Check this return path (RCPT TO in the return-path domain, in a transaction without
        /// AUTH), then call ``SMTPServerStateMachine/recipientAccepted()`` or
        /// ``SMTPServerStateMachine/recipientRejected(_:)`` (`550 5.1.1 Unknown return path`).
        case checkReturnPath(EmailAddress, envelope: SMTPEnvelope)
        /// Check the message (header From, limits) and commit it durably with its recipients, then
        /// call ``SMTPServerStateMachine/messageCommitted(id:)`` or
        /// ``SMTPServerStateMachine/messageCommitFailed(_:)``.
        case commitMessage(SMTPEnvelope, message: [UInt8])
        /// Hand this report (the message of a report transaction) to the report intake, then
        /// call ``SMTPServerStateMachine/reportReceived()`` or
        /// ``SMTPServerStateMachine/messageCommitFailed(_:)``.
        case processReport(SMTPEnvelope, message: [UInt8])
        /// Nothing to do until more bytes arrive: flush, read, and call
        /// ``SMTPServerStateMachine/receivedBytes(_:)``.
        case readMore
        /// A requested result is outstanding; pipelined input is held meanwhile. Stop reading
        /// (backpressure) until the result event is called.
        case awaitResult
        /// The session is over: close the connection if it is still open.
        case close
    }
}
