/// Replies that `spec/BEHAVIOUR.md` leaves to RFC 5321, RFC 3207, RFC 4954 and RFC 3463.
///
/// Texts follow Postfix where the RFCs give none, since clients and operators know those.
extension SMTPReply {
    /// `220 <hostname> ESMTP Envoi`: the greeting (RFC 5321 §4.3.1; "ESMTP" invites EHLO).
    public static func greeting(hostname: String) -> SMTPReply {
        SMTPReply(code: .serviceReady, text: "\(hostname) ESMTP Envoi")
    }

    /// The EHLO reply: the host name, then one extension keyword per line (RFC 5321 §4.1.1.1).
    /// No enhanced status code: RFC 2034 §3 leaves it out of the EHLO response.
    public static func extendedHello(hostname: String, extensions: [String]) -> SMTPReply {
        SMTPReply(code: .ok, lines: [hostname] + extensions)
    }

    /// `250 <hostname>`: the HELO reply.
    public static func hello(hostname: String) -> SMTPReply {
        SMTPReply(code: .ok, text: hostname)
    }

    /// `250 2.0.0 Ok: queued as <id>`: sent only once the message is durably in the queue.
    public static func queued(id: String) -> SMTPReply {
        SMTPReply(code: .ok, enhancedStatusCode: .success, text: "Ok: queued as \(id)")
    }

    /// `250 2.0.0 Ok`: RSET and NOOP.
    public static let ok = SMTPReply(code: .ok, enhancedStatusCode: .success, text: "Ok")
    /// `250 2.1.0 Ok`: MAIL FROM accepted.
    public static let senderOk = SMTPReply(code: .ok, enhancedStatusCode: .senderAccepted, text: "Ok")
    /// `250 2.1.5 Ok`: RCPT TO accepted.
    public static let recipientOk = SMTPReply(code: .ok, enhancedStatusCode: .recipientAccepted, text: "Ok")

    /// `221 2.0.0 Bye`: the answer to QUIT, after which the server closes.
    public static let closing = SMTPReply(code: .serviceClosing, enhancedStatusCode: .success, text: "Bye")

    /// `235 2.7.0 Authentication successful` (RFC 4954 §6).
    public static let authenticationSuccessful = SMTPReply(
        code: .authenticationSucceeded, enhancedStatusCode: .securitySuccess, text: "Authentication successful")

    /// `334 ` with an empty challenge: AUTH PLAIN without initial response (RFC 4954 §4).
    public static let emptyChallenge = SMTPReply(code: .authenticationChallenge, text: "")
    /// `334 VXNlcm5hbWU6`: AUTH LOGIN asks for the user name ("Username:" in base64).
    public static let usernameChallenge = SMTPReply(code: .authenticationChallenge, text: "VXNlcm5hbWU6")
    /// `334 UGFzc3dvcmQ6`: AUTH LOGIN asks for the password ("Password:" in base64).
    public static let passwordChallenge = SMTPReply(code: .authenticationChallenge, text: "UGFzc3dvcmQ6")
    /// `501 5.7.0 Authentication aborted`: the client answered a challenge with `*` (RFC 4954 §4).
    public static let authenticationAborted = SMTPReply(
        code: .syntaxErrorInParameters, enhancedStatusCode: .securityFailure, text: "Authentication aborted")

    /// `354 End data with <CR><LF>.<CR><LF>`: the go-ahead after DATA (RFC 5321 §4.1.1.4).
    public static let startMailInput = SMTPReply(code: .startMailInput, text: "End data with <CR><LF>.<CR><LF>")

    /// `220 2.0.0 Ready to start TLS` (RFC 3207 §4).
    public static let readyToStartTLS = SMTPReply(
        code: .serviceReady, enhancedStatusCode: .success, text: "Ready to start TLS")

    /// `252 2.0.0 Cannot VRFY user, …`: RFC 5321 §3.5.3 (VRFY would let anyone harvest addresses).
    public static let cannotVerify = SMTPReply(
        code: .cannotVerifyUser, enhancedStatusCode: .success,
        text: "Cannot VRFY user, but will accept message and attempt delivery")

    /// `214 2.0.0 …`: the HELP reply, listing the commands this server implements.
    public static let help = SMTPReply(
        code: .helpMessage, enhancedStatusCode: .success,
        text: "Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT HELP VRFY")

    /// `500 5.5.2 Syntax error, command unrecognized` (RFC 5321 §4.2.2).
    public static let commandUnrecognized = SMTPReply(
        code: .syntaxError, enhancedStatusCode: .syntaxError, text: "Syntax error, command unrecognized")

    /// `501 5.5.4 Syntax error in parameters or arguments` (RFC 5321 §4.2.2).
    public static let syntaxError = SMTPReply(
        code: .syntaxErrorInParameters, enhancedStatusCode: .invalidArguments,
        text: "Syntax error in parameters or arguments")

    /// `502 5.5.1 Command not implemented`: a known RFC command this server does not offer.
    public static let commandNotImplemented = SMTPReply(
        code: .commandNotImplemented, enhancedStatusCode: .invalidCommand, text: "Command not implemented")

    /// `503 5.5.1 Error: send HELO/EHLO first`.
    public static let sendHelloFirst = SMTPReply(
        code: .badSequence, enhancedStatusCode: .invalidCommand, text: "Error: send HELO/EHLO first")
    /// `503 5.5.1 Error: need MAIL command`: RCPT or DATA outside a transaction.
    public static let needMailCommand = SMTPReply(
        code: .badSequence, enhancedStatusCode: .invalidCommand, text: "Error: need MAIL command")
    /// `503 5.5.1 Error: nested MAIL command`: MAIL inside a transaction (RFC 5321 §4.1.4).
    public static let nestedMailCommand = SMTPReply(
        code: .badSequence, enhancedStatusCode: .invalidCommand, text: "Error: nested MAIL command")
    /// `503 5.5.1 Error: TLS already active`: STARTTLS inside TLS (RFC 3207 §4.2).
    public static let tlsAlreadyActive = SMTPReply(
        code: .badSequence, enhancedStatusCode: .invalidCommand, text: "Error: TLS already active")

    /// `452 4.5.3 Too many recipients` (RFC 5321 §4.5.3.1.10): the client sends the rest later.
    public static let tooManyRecipients = SMTPReply(
        code: .insufficientStorage, enhancedStatusCode: .tooManyRecipients, text: "Too many recipients")

    /// `555 5.5.4 MAIL FROM/RCPT TO parameters not recognized or not implemented` (RFC 5321 §4.2.3).
    public static let parametersNotRecognized = SMTPReply(
        code: .parametersNotRecognized, enhancedStatusCode: .invalidArguments,
        text: "MAIL FROM/RCPT TO parameters not recognized or not implemented")

    /// `421 4.5.0 Too much pipelined input, closing transmission channel`: the client kept
    /// sending while a reply was pending, past the held-input limit (RFC 2920 §3.1 lets a
    /// client send only a group of commands ahead).
    public static let tooMuchPipelinedInput = SMTPReply(
        code: .serviceNotAvailable, enhancedStatusCode: .protocolTransient,
        text: "Too much pipelined input, closing transmission channel")

    /// `421 4.3.2 Service shutting down, closing transmission channel`: the server is stopping
    /// (RFC 5321 §3.8, RFC 3463 X.3.2 "system not accepting network messages").
    public static let shuttingDown = SMTPReply(
        code: .serviceNotAvailable, enhancedStatusCode: .notAcceptingMessages,
        text: "Service shutting down, closing transmission channel")
}

/// Replies of the report door (`delivery.return_path_domain`), which `spec/BEHAVIOUR.md` leaves
/// to RFC 5321 and RFC 3463.
extension SMTPReply {
    /// `550 5.1.1 Unknown return path`: RCPT TO in the return-path domain whose token is not one
    /// Envoi made for a message it sent (RFC 3463 X.1.1 "bad destination mailbox address").
    /// The same text for a malformed token, a forged tag and an unknown message, so that the
    /// reply tells a prober nothing.
    public static let unknownReturnPath = SMTPReply(
        code: .mailboxUnavailable, enhancedStatusCode: .badDestinationMailbox, text: "Unknown return path")

    /// `250 2.0.0 Ok: report received`: a report to a return path was read; it is recorded, or
    /// dropped when it is not a failure or an abuse report (a delay notice, an auto-reply).
    public static let reportReceived = SMTPReply(code: .ok, enhancedStatusCode: .success, text: "Ok: report received")
}
