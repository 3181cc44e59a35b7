import SMTPProtocol
import Testing

/// A reply constant and the exact line `spec/BEHAVIOUR.md` (or the RFC) says it sends.
struct ReplyRow: Sendable, CustomTestStringConvertible {
    let reply: SMTPReply
    let line: String
    var testDescription: String { line }
}

/// Every row of the table in `spec/BEHAVIOUR.md` §1, copied from the specification.
let behaviourRows: [ReplyRow] = [
    ReplyRow(reply: .suppressed(user: "ocid1.user.envoi..alice", recipient: "bob@example.org"),
             line: "254 4.7.1 Suppression for user ocid1.user.envoi..alice to bob@example.org"),
    ReplyRow(reply: .timeout, line: "421 Timeout waiting for data from client"),
    ReplyRow(reply: .commandExecutionProblem,
             line: "421 4.4.0 Problem attempting to execute commands. Please try again later"),
    ReplyRow(reply: .tooManyConnections, line: "421 Too many connections, try again later"),
    ReplyRow(reply: .tooManyAuthFailures, line: "421 Too many auth failures, try again later"),
    ReplyRow(reply: .mailSystemFailure, line: "421 4.3.0 Mail system failure, closing transmission channel"),
    ReplyRow(reply: .serverError, line: "451 Server error"),
    ReplyRow(reply: .errorInProcessing, line: "451 Error in Processing"),
    ReplyRow(reply: .systemStorageError, line: "452 System storage error"),
    ReplyRow(reply: .perMinuteLimitReached(limit: 60), line: "455 Maximum messages sent per minute reached : limit is 60"),
    ReplyRow(reply: .perDayLimitReached(limit: 2000), line: "455 Maximum messages sent per day reached : limit is 2000"),
    ReplyRow(reply: .invalidBase64, line: "501 Invalid command argument, not a valid Base64 string"),
    ReplyRow(reply: .missingNUL, line: "501 Invalid command argument, does not contain NUL"),
    ReplyRow(reply: .missingSecondNUL, line: "501 Invalid command argument, does not contain the second NUL"),
    ReplyRow(reply: .needRecipient, line: "503 Need RCPT command"),
    ReplyRow(reply: .methodNotSupported, line: "504 Method not supported"),
    ReplyRow(reply: .authenticationMechanismMismatch, line: "504 AUTH mechanism mismatch"),
    ReplyRow(reply: .exceedsByteLimit, line: "552 Exceeds byte limit"),
    ReplyRow(reply: .authenticationCredentialsInvalid, line: "535 Authentication credentials invalid"),
    ReplyRow(reply: .authenticationRequired, line: "535 Authentication required"),
    ReplyRow(reply: .authorizationFailed(address: "eve@example.com"),
             line: "535 Authorization failed: address eve@example.com not authorized"),
    ReplyRow(reply: .invalidAddress("not-an-address"), line: "553 not-an-address Invalid email address"),
    ReplyRow(reply: .messageParseError, line: "554 Message parse error"),
    ReplyRow(reply: .bareLineEnding, line: "554 5.6.0 Message contains bare CR or LF characters"),
    ReplyRow(reply: .lineTooLong, line: "500 5.5.2 Line too long"),
    ReplyRow(reply: .startTLSRequired, line: "530 5.7.0 Must issue a STARTTLS command first"),
]

/// The replies left to RFC 5321, 3207, 4954 and 3463.
let standardRows: [ReplyRow] = [
    ReplyRow(reply: .greeting(hostname: "mx.envoi.test"), line: "220 mx.envoi.test ESMTP Envoi"),
    ReplyRow(reply: .hello(hostname: "mx.envoi.test"), line: "250 mx.envoi.test"),
    ReplyRow(reply: .queued(id: "ocid1.message.envoi..m1"), line: "250 2.0.0 Ok: queued as ocid1.message.envoi..m1"),
    ReplyRow(reply: .ok, line: "250 2.0.0 Ok"),
    ReplyRow(reply: .senderOk, line: "250 2.1.0 Ok"),
    ReplyRow(reply: .recipientOk, line: "250 2.1.5 Ok"),
    ReplyRow(reply: .closing, line: "221 2.0.0 Bye"),
    ReplyRow(reply: .authenticationSuccessful, line: "235 2.7.0 Authentication successful"),
    ReplyRow(reply: .emptyChallenge, line: "334 "),
    ReplyRow(reply: .usernameChallenge, line: "334 VXNlcm5hbWU6"),
    ReplyRow(reply: .passwordChallenge, line: "334 UGFzc3dvcmQ6"),
    ReplyRow(reply: .authenticationAborted, line: "501 5.7.0 Authentication aborted"),
    ReplyRow(reply: .startMailInput, line: "354 End data with <CR><LF>.<CR><LF>"),
    ReplyRow(reply: .readyToStartTLS, line: "220 2.0.0 Ready to start TLS"),
    ReplyRow(reply: .cannotVerify, line: "252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery"),
    ReplyRow(reply: .help, line: "214 2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT HELP VRFY"),
    ReplyRow(reply: .commandUnrecognized, line: "500 5.5.2 Syntax error, command unrecognized"),
    ReplyRow(reply: .syntaxError, line: "501 5.5.4 Syntax error in parameters or arguments"),
    ReplyRow(reply: .commandNotImplemented, line: "502 5.5.1 Command not implemented"),
    ReplyRow(reply: .sendHelloFirst, line: "503 5.5.1 Error: send HELO/EHLO first"),
    ReplyRow(reply: .needMailCommand, line: "503 5.5.1 Error: need MAIL command"),
    ReplyRow(reply: .nestedMailCommand, line: "503 5.5.1 Error: nested MAIL command"),
    ReplyRow(reply: .tlsAlreadyActive, line: "503 5.5.1 Error: TLS already active"),
    ReplyRow(reply: .tooManyRecipients, line: "452 4.5.3 Too many recipients"),
    ReplyRow(reply: .parametersNotRecognized,
             line: "555 5.5.4 MAIL FROM/RCPT TO parameters not recognized or not implemented"),
    ReplyRow(reply: .tooMuchPipelinedInput, line: "421 4.5.0 Too much pipelined input, closing transmission channel"),
    ReplyRow(reply: .unknownReturnPath, line: "550 5.1.1 Unknown return path"),
    ReplyRow(reply: .reportReceived, line: "250 2.0.0 Ok: report received"),
]

@Suite struct SMTPReplyTests {
    @Test("every BEHAVIOUR.md §1 reply is sent byte for byte as specified", arguments: behaviourRows)
    func behaviourReplyIsExact(row: ReplyRow) {
        #expect(row.reply.wireText == row.line + "\r\n")
        #expect(row.reply.wireBytes == Array((row.line + "\r\n").utf8))
    }

    @Test("every RFC reply has its exact text", arguments: standardRows)
    func standardReplyIsExact(row: ReplyRow) {
        #expect(row.reply.wireText == row.line + "\r\n")
    }

    @Test("a multi-line reply uses hyphens on every line but the last")
    func multiLineRendering() {
        let reply = SMTPReply(code: .ok, lines: ["mx.envoi.test", "PIPELINING", "SMTPUTF8"])
        #expect(reply.wireText == "250-mx.envoi.test\r\n250-PIPELINING\r\n250 SMTPUTF8\r\n")
    }

    @Test("the enhanced status code repeats on every line of a multi-line reply (RFC 2034 §4)")
    func multiLineEnhancedCode() {
        let reply = SMTPReply(code: .helpMessage, enhancedStatusCode: .success, lines: ["one", "two"])
        #expect(reply.wireText == "214-2.0.0 one\r\n214 2.0.0 two\r\n")
    }

    @Test("a reply with no lines is one empty line")
    func emptyLines() {
        #expect(SMTPReply(code: .authenticationChallenge, lines: []).wireText == "334 \r\n")
    }

    @Test("an enhanced code with empty text leaves no trailing space")
    func enhancedCodeWithoutText() {
        #expect(SMTPReply(code: .ok, enhancedStatusCode: .success, text: "").wireText == "250 2.0.0\r\n")
    }

    @Test("CR, LF and control characters echoed from the client cannot break a reply line")
    func controlCharactersAreReplaced() {
        let reply = SMTPReply.invalidAddress("a\r\n250 ok\u{0}b")
        #expect(reply.wireText == "553 a??250 ok?b Invalid email address\r\n")
    }

    @Test("only 421 replies close the connection")
    func closingReplies() {
        for row in behaviourRows + standardRows {
            #expect(row.reply.closesConnection == row.line.hasPrefix("421 "), "\(row.line)")
        }
    }

    @Test("the EHLO reply after TLS advertises AUTH and not STARTTLS")
    func extendedHelloAfterTLS() {
        let configuration = SMTPServerConfiguration(hostname: "mx.envoi.test", maximumMessageSize: 1_000_000)
        let reply = SMTPReply.extendedHello(hostname: "mx.envoi.test", extensions: configuration.extensions(isTLSActive: true))
        #expect(reply.wireText == """
            250-mx.envoi.test\r
            250-PIPELINING\r
            250-SIZE 1000000\r
            250-AUTH PLAIN LOGIN\r
            250-ENHANCEDSTATUSCODES\r
            250-8BITMIME\r
            250 SMTPUTF8\r

            """)
    }

    @Test("the EHLO reply before TLS advertises STARTTLS and not AUTH")
    func extendedHelloBeforeTLS() {
        let keywords = SMTPServerConfiguration().extensions(isTLSActive: false)
        #expect(keywords == ["PIPELINING", "SIZE 10485760", "STARTTLS", "ENHANCEDSTATUSCODES", "8BITMIME", "SMTPUTF8"])
    }

    @Test("without TLS available, EHLO advertises neither STARTTLS nor AUTH")
    func extendedHelloWithoutTLS() {
        let keywords = SMTPServerConfiguration(isTLSAvailable: false).extensions(isTLSActive: false)
        #expect(!keywords.contains("STARTTLS") && !keywords.contains { $0.hasPrefix("AUTH") })
    }

    @Test("reply codes outside 200...599 and malformed enhanced codes are refused")
    func codeBounds() {
        #expect(SMTPReplyCode(rawValue: 199) == nil)
        #expect(SMTPReplyCode(rawValue: 600) == nil)
        #expect(SMTPReplyCode(rawValue: 250) == .ok)
        #expect(SMTPReplyCode.serviceNotAvailable.isTransientFailure)
        #expect(SMTPReplyCode.recipientSuppressed.isPositiveCompletion)
        #expect(SMTPReplyCode.startMailInput.isPositiveIntermediate)
        #expect(SMTPReplyCode.transactionFailed.isPermanentFailure)
        #expect(EnhancedStatusCode(3, 0, 0) == nil)
        #expect(EnhancedStatusCode(5, 1000, 0) == nil)
        #expect(EnhancedStatusCode(5, 7, 8)?.description == "5.7.8")
    }

    @Test("each protocol error maps to its reply")
    func errorReplies() {
        let pairs: [(SMTPProtocolError, SMTPReply)] = [
            (.lineTooLong, .lineTooLong), (.commandUnrecognized, .commandUnrecognized),
            (.commandNotImplemented, .commandNotImplemented), (.syntaxError, .syntaxError),
            (.invalidAddress("x"), .invalidAddress("x")), (.parametersNotRecognized, .parametersNotRecognized),
            (.authenticationMechanismMismatch, .authenticationMechanismMismatch), (.invalidBase64, .invalidBase64),
            (.missingNUL, .missingNUL), (.missingSecondNUL, .missingSecondNUL),
            (.authenticationAborted, .authenticationAborted), (.bareLineEnding, .bareLineEnding),
            (.messageTooLarge, .exceedsByteLimit), (.messageParseError, .messageParseError),
        ]
        for (error, reply) in pairs {
            #expect(error.reply == reply)
            #expect(error.description == reply.description)
        }
        #expect(SMTPProtocolError.invalidAddress("x") != .invalidAddress("y"))
    }
}
