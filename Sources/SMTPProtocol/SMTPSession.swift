import EnvoiCore

/// What one connection has established so far, and the RFC 5321 rules on command order.
///
/// The state machine handles the phases that wait (for the handler, for SASL answers, for DATA);
/// this type decides, for a command read in the ordinary command phase, what that command
/// leads to. Kept apart so that the ordering rules read as one table.
struct SMTPSession: Sendable {
    /// What a command leads to.
    enum Outcome: Hashable, Sendable {
        /// Send this reply (a 421 also closes).
        case reply(SMTPReply)
        /// Send this reply and close: QUIT.
        case replyAndClose(SMTPReply)
        /// Send 220 and start TLS.
        case startTLS
        /// Start an AUTH exchange; the mechanism is supported.
        case authenticate(mechanism: SASLMechanism, initialResponse: String?)
        /// Ask the handler whether the user may send as this reverse-path.
        case authorizeSender(SMTPEnvelope)
        /// Ask the handler about this recipient of this transaction.
        case checkRecipient(EmailAddress, SMTPEnvelope)
        /// Ask the handler whether this return path (RCPT in a report transaction) is valid.
        case checkReturnPath(EmailAddress, SMTPEnvelope)
        /// Send 354 and read the message.
        case receiveData
    }

    /// The EHLO/HELO argument; nil until the client greets (and again after STARTTLS).
    var clientIdentity: String?
    /// True once TLS is up.
    var isTLSActive = false
    /// The authenticated user, once AUTH succeeded.
    var userID: String?
    /// The current transaction, from an accepted MAIL FROM to its end.
    var transaction: SMTPEnvelope?

    /// Whether RCPT may hold a UTF-8 address: MAIL FROM carried SMTPUTF8 (RFC 6531 §3.4).
    var allowsUTF8Addresses: Bool { transaction?.parameters.isSMTPUTF8 ?? false }

    /// The reply to a line the parser refused.
    func reply(toParseFailure error: SMTPProtocolError) -> SMTPReply {
        // `spec/BEHAVIOUR.md` §1: before TLS every AUTH gets 530, malformed or not.
        if error == .authenticationMechanismMismatch && !isTLSActive { return .startTLSRequired }
        return error.reply
    }

    /// Applies `command`, read in the command phase, and says what follows.
    mutating func handle(_ command: SMTPCommand, configuration: SMTPServerConfiguration) -> Outcome {
        switch command {
        case .hello(let domain):
            greet(domain)
            return .reply(.hello(hostname: configuration.hostname))
        case .extendedHello(let domain):
            greet(domain)
            return .reply(.extendedHello(
                hostname: configuration.hostname, extensions: configuration.extensions(isTLSActive: isTLSActive)))
        case .mail(let reversePath, let parameters):
            guard userID != nil || configuration.returnPathDomain != nil else { return .reply(.authenticationRequired) }
            guard transaction == nil else { return .reply(.nestedMailCommand) }
            // RFC 1870 §6.2: a declared size over the limit is refused before any data is sent.
            if let size = parameters.declaredSize, size > configuration.maximumMessageSize {
                return .reply(.exceedsByteLimit)
            }
            guard let userID else {
                // Without AUTH only reports to return paths: bounces come from MTAs that cannot
                // authenticate, usually with the null reverse-path (RFC 3464 §2, RFC 5321 §4.5.5).
                transaction = SMTPEnvelope(userID: "", clientIdentity: clientIdentity ?? "", reversePath: reversePath,
                                           parameters: parameters, isReport: true)
                return .reply(.senderOk)
            }
            return .authorizeSender(SMTPEnvelope(
                userID: userID, clientIdentity: clientIdentity ?? "", reversePath: reversePath, parameters: parameters))
        case .recipient(let address):
            if let transaction, transaction.isReport {
                // Never an open relay: outside the return-path domain, AUTH is still required.
                guard address.domain == configuration.returnPathDomain else { return .reply(.authenticationRequired) }
                if transaction.contains(address) { return .reply(.recipientOk) }
                guard transaction.acceptedRecipientCount < configuration.maximumRecipients else {
                    return .reply(.tooManyRecipients)
                }
                return .checkReturnPath(address, transaction)
            }
            guard let userID else { return .reply(.authenticationRequired) }
            guard let transaction else { return .reply(.needMailCommand) }
            if transaction.contains(address) {
                // A repeated recipient gets its first answer again and is not counted twice.
                let isSuppressed = transaction.suppressedRecipients.contains { $0.normalized == address.normalized }
                return .reply(isSuppressed ? .suppressed(user: userID, recipient: address.description) : .recipientOk)
            }
            guard transaction.acceptedRecipientCount < configuration.maximumRecipients else {
                return .reply(.tooManyRecipients)
            }
            return .checkRecipient(address, transaction)
        case .data:
            if let transaction, transaction.isReport {
                // A report transaction without an accepted return path is refused as before.
                return transaction.acceptedRecipientCount > 0 ? .receiveData : .reply(.authenticationRequired)
            }
            guard userID != nil else { return .reply(.authenticationRequired) }
            guard let transaction else { return .reply(.needMailCommand) }
            guard transaction.acceptedRecipientCount > 0 else { return .reply(.needRecipient) }
            return .receiveData
        case .reset:
            transaction = nil
            return .reply(.ok)
        case .noop:
            return .reply(.ok)
        case .quit:
            return .replyAndClose(.closing)
        case .help:
            return .reply(.help)
        case .verify:
            return .reply(.cannotVerify)
        case .startTLS:
            guard !isTLSActive else { return .reply(.tlsAlreadyActive) }
            guard configuration.isTLSAvailable else { return .reply(.commandNotImplemented) }
            guard clientIdentity != nil else { return .reply(.sendHelloFirst) }
            return .startTLS
        case .authenticate(let mechanism, let initialResponse):
            guard isTLSActive else { return .reply(.startTLSRequired) }
            guard clientIdentity != nil else { return .reply(.sendHelloFirst) }
            guard userID == nil else { return .reply(.authenticationMechanismMismatch) }
            guard mechanism == .plain || mechanism == .login else { return .reply(.methodNotSupported) }
            return .authenticate(mechanism: mechanism, initialResponse: initialResponse)
        }
    }

    /// RFC 5321 §4.1.4: EHLO/HELO may come again at any time and then acts as RSET.
    private mutating func greet(_ domain: String) {
        clientIdentity = domain
        transaction = nil
    }
}
