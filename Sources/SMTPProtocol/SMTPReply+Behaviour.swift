/// The replies of `spec/BEHAVIOUR.md` §1, one per row of its table, texts byte for byte.
///
/// Clients, scripts and operators match on these texts, so each is sent exactly as the
/// specification writes it, also where it carries no enhanced status code.
extension SMTPReply {
    /// `254 4.7.1 Suppression for user <user ocid> to <recpt>`: a recipient on the suppression list
    /// of the sender's tenancy. A positive reply: the message is accepted but never sent to it.
    public static func suppressed(user: String, recipient: String) -> SMTPReply {
        SMTPReply(
            code: .recipientSuppressed, enhancedStatusCode: .deliveryNotAuthorized,
            text: "Suppression for user \(user) to \(recipient)")
    }

    /// `421 Timeout waiting for data from client`: the command or DATA idle timeout expired.
    public static let timeout = SMTPReply(code: .serviceNotAvailable, text: "Timeout waiting for data from client")

    /// `421 4.4.0 …`: an internal component failed while executing a command.
    public static let commandExecutionProblem = SMTPReply(
        code: .serviceNotAvailable, enhancedStatusCode: .networkTransient,
        text: "Problem attempting to execute commands. Please try again later")

    /// `421 Too many connections, try again later`: sent instead of the greeting.
    public static let tooManyConnections = SMTPReply(
        code: .serviceNotAvailable, text: "Too many connections, try again later")

    /// `421 Too many auth failures, try again later`: the per-IP auth-failure throttle tripped.
    public static let tooManyAuthFailures = SMTPReply(
        code: .serviceNotAvailable, text: "Too many auth failures, try again later")

    /// `421 4.3.0 Mail system failure, closing transmission channel`: fatal internal failure.
    public static let mailSystemFailure = SMTPReply(
        code: .serviceNotAvailable, enhancedStatusCode: .mailSystemTransient,
        text: "Mail system failure, closing transmission channel")

    /// `451 Server error`: an unexpected error during the conversation; the client may retry.
    public static let serverError = SMTPReply(code: .localError, text: "Server error")

    /// `451 Error in Processing`: the other wording of an unexpected transient error.
    public static let errorInProcessing = SMTPReply(code: .localError, text: "Error in Processing")

    /// `452 System storage error`: the message could not be persisted in the delivery queue.
    public static let systemStorageError = SMTPReply(code: .insufficientStorage, text: "System storage error")

    /// `455 Maximum messages sent per minute reached : limit is <limit>`.
    public static func perMinuteLimitReached(limit: Int) -> SMTPReply {
        SMTPReply(
            code: .unableToAccommodateParameters,
            text: "Maximum messages sent per minute reached : limit is \(limit)")
    }

    /// `455 Maximum messages sent per day reached : limit is <limit>`.
    public static func perDayLimitReached(limit: Int) -> SMTPReply {
        SMTPReply(
            code: .unableToAccommodateParameters,
            text: "Maximum messages sent per day reached : limit is \(limit)")
    }

    /// `501 Invalid command argument, not a valid Base64 string`: an AUTH response is not base64.
    public static let invalidBase64 = SMTPReply(
        code: .syntaxErrorInParameters, text: "Invalid command argument, not a valid Base64 string")

    /// `501 Invalid command argument, does not contain NUL`: decoded AUTH PLAIN has no separator.
    public static let missingNUL = SMTPReply(
        code: .syntaxErrorInParameters, text: "Invalid command argument, does not contain NUL")

    /// `501 Invalid command argument, does not contain the second NUL`: only one separator.
    public static let missingSecondNUL = SMTPReply(
        code: .syntaxErrorInParameters, text: "Invalid command argument, does not contain the second NUL")

    /// `503 Need RCPT command`: DATA while the transaction has no accepted recipient.
    public static let needRecipient = SMTPReply(code: .badSequence, text: "Need RCPT command")

    /// `504 Method not supported`: an AUTH mechanism other than PLAIN and LOGIN.
    public static let methodNotSupported = SMTPReply(code: .parameterNotImplemented, text: "Method not supported")

    /// `504 AUTH mechanism mismatch`: AUTH without mechanism, with extra arguments, or again
    /// after a successful AUTH.
    public static let authenticationMechanismMismatch = SMTPReply(
        code: .parameterNotImplemented, text: "AUTH mechanism mismatch")

    /// `552 Exceeds byte limit`: the message (or MAIL FROM's SIZE=) is over the EHLO SIZE limit.
    public static let exceedsByteLimit = SMTPReply(code: .exceededStorageAllocation, text: "Exceeds byte limit")

    /// `535 Authentication credentials invalid`: wrong user name or password.
    public static let authenticationCredentialsInvalid = SMTPReply(
        code: .authenticationFailed, text: "Authentication credentials invalid")

    /// `535 Authentication required`: MAIL, RCPT or DATA before a successful AUTH.
    public static let authenticationRequired = SMTPReply(code: .authenticationFailed, text: "Authentication required")

    /// `535 Authorization failed: address <address> not authorized`: the envelope sender or the
    /// header From is not an approved sender that the credential's user may use.
    public static func authorizationFailed(address: String) -> SMTPReply {
        SMTPReply(code: .authenticationFailed, text: "Authorization failed: address \(address) not authorized")
    }

    /// `553 <address> Invalid email address`: the bare address, without angle brackets.
    public static func invalidAddress(_ address: String) -> SMTPReply {
        SMTPReply(code: .mailboxNameNotAllowed, text: "\(address) Invalid email address")
    }

    /// `554 Message parse error`: no header section, or one larger than the header limit.
    public static let messageParseError = SMTPReply(code: .transactionFailed, text: "Message parse error")

    /// `554 5.6.0 Message contains bare CR or LF characters`: SMTP smuggling defence.
    public static let bareLineEnding = SMTPReply(
        code: .transactionFailed, enhancedStatusCode: .mediaError,
        text: "Message contains bare CR or LF characters")

    /// `500 5.5.2 Line too long`: a command line over 512 octets or a text line over 1000.
    public static let lineTooLong = SMTPReply(code: .syntaxError, enhancedStatusCode: .syntaxError, text: "Line too long")

    /// `530 5.7.0 Must issue a STARTTLS command first`: AUTH before TLS.
    public static let startTLSRequired = SMTPReply(
        code: .accessDenied, enhancedStatusCode: .securityFailure, text: "Must issue a STARTTLS command first")
}
