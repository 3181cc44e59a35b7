import SMTPProtocol
import Testing

/// Every event the handler reports to the state machine.
enum HandlerEvent: String, CaseIterable, Sendable, CustomStringConvertible {
    case connected
    case connectionRefused
    case tlsEstablished
    case credentialsVerified
    case credentialsRejected
    case senderAuthorized
    case senderRejected
    case recipientAccepted
    case recipientSuppressed
    case recipientRejected
    case messageCommitted
    case messageCommitFailed
    case reportReceived
    case idleTimeoutExpired
    case internalErrorOccurred

    var description: String { rawValue }

    func apply(to machine: inout SMTPServerStateMachine) -> SMTPServerStateMachine.Action {
        switch self {
        case .connected: machine.connected()
        case .connectionRefused: machine.connectionRefused()
        case .tlsEstablished: machine.tlsEstablished()
        case .credentialsVerified: machine.credentialsVerified(userID: Conversation.userID)
        case .credentialsRejected: machine.credentialsRejected()
        case .senderAuthorized: machine.senderAuthorized()
        case .senderRejected: machine.senderRejected(.authorizationFailed(address: "alice@example.com"))
        case .recipientAccepted: machine.recipientAccepted()
        case .recipientSuppressed: machine.recipientSuppressed()
        case .recipientRejected: machine.recipientRejected(.perMinuteLimitReached(limit: 1))
        case .messageCommitted: machine.messageCommitted(id: "ocid1.message.envoi..m1")
        case .messageCommitFailed: machine.messageCommitFailed(.systemStorageError)
        case .reportReceived: machine.reportReceived()
        case .idleTimeoutExpired: machine.idleTimeoutExpired()
        case .internalErrorOccurred: machine.internalErrorOccurred()
        }
    }

    /// The one stage where a result event is expected, and what it then produces.
    var legalStage: (stage: SessionStage, actions: [String])? {
        switch self {
        case .connected:
            (.awaitingConnection, ["send: 220 mx.envoi.test ESMTP Envoi", "readMore"])
        case .tlsEstablished:
            (.startingTLS, ["readMore"])
        case .credentialsVerified:
            (.verifyingCredentials, ["send: 235 2.7.0 Authentication successful", "readMore"])
        case .credentialsRejected:
            (.verifyingCredentials, ["send: 535 Authentication credentials invalid", "readMore"])
        case .senderAuthorized:
            (.authorizingSender, ["send: 250 2.1.0 Ok", "readMore"])
        case .senderRejected:
            (.authorizingSender, ["send: 535 Authorization failed: address alice@example.com not authorized", "readMore"])
        case .recipientAccepted:
            (.checkingRecipient, ["send: 250 2.1.5 Ok", "readMore"])
        case .recipientSuppressed:
            (.checkingRecipient, ["send: 254 4.7.1 Suppression for user ocid1.user.envoi..alice to bob@example.org", "readMore"])
        case .recipientRejected:
            (.checkingRecipient, ["send: 455 Maximum messages sent per minute reached : limit is 1", "readMore"])
        case .messageCommitted:
            (.committing, ["send: 250 2.0.0 Ok: queued as ocid1.message.envoi..m1", "readMore"])
        case .messageCommitFailed:
            (.committing, ["send: 452 System storage error", "readMore"])
        case .reportReceived:
            (.committing, ["send: 250 2.0.0 Ok: report received", "readMore"])
        case .connectionRefused, .idleTimeoutExpired, .internalErrorOccurred:
            nil
        }
    }
}

@Suite struct SMTPServerStateMachineEventTests {
    @Test("every handler event in every state, legal and illegal",
          arguments: HandlerEvent.allCases, SessionStage.allCases)
    func eventInStage(event: HandlerEvent, stage: SessionStage) {
        var conversation = stage.make()
        let actions = conversation.follow(event.apply(to: &conversation.machine))
        let expected: [String]
        switch event {
        case .connectionRefused:
            expected = ["sendAndClose: 421 Too many connections, try again later"]
        case .idleTimeoutExpired:
            expected = stage == .closed ? ["close"] : ["sendAndClose: 421 Timeout waiting for data from client"]
        case .internalErrorOccurred:
            expected = stage == .closed ? ["close"]
                : ["sendAndClose: 421 4.4.0 Problem attempting to execute commands. Please try again later"]
        default:
            if let legal = event.legalStage, legal.stage == stage {
                expected = legal.actions
            } else if stage == .closed {
                expected = ["close"]  // a late result after the end is ignored
            } else {
                expected = ["sendAndClose: 421 4.3.0 Mail system failure, closing transmission channel"]
            }
        }
        #expect(actions == expected)
        // Whatever closed the session keeps it closed.
        if expected.last?.hasPrefix("sendAndClose") == true {
            #expect(conversation.machine.isClosed)
            #expect(conversation.send("NOOP\r\n") == ["close"])
        }
    }

    @Test("a 421 given as a result closes the session",
          arguments: [HandlerEvent.credentialsRejected, .senderRejected, .recipientRejected, .messageCommitFailed])
    func resultWith421Closes(event: HandlerEvent) {
        var conversation = event.legalStage!.stage.make()
        let action: SMTPServerStateMachine.Action = switch event {
        case .credentialsRejected: conversation.machine.credentialsRejected(.tooManyAuthFailures)
        case .senderRejected: conversation.machine.senderRejected(.tooManyAuthFailures)
        case .recipientRejected: conversation.machine.recipientRejected(.commandExecutionProblem)
        default: conversation.machine.messageCommitFailed(.mailSystemFailure)
        }
        #expect(action == .sendAndClose(event == .credentialsRejected || event == .senderRejected
            ? .tooManyAuthFailures : event == .recipientRejected ? .commandExecutionProblem : .mailSystemFailure))
        #expect(conversation.machine.isClosed)
    }

    @Test("session facts are visible to the handler")
    func observableProperties() {
        var conversation = SessionStage.greetedBeforeTLS.make()
        #expect(!conversation.machine.isTLSActive)
        conversation = .authenticated()
        #expect(conversation.machine.isTLSActive)
        #expect(conversation.machine.authenticatedUserID == Conversation.userID)
        #expect(!conversation.machine.isReceivingData)
        #expect(SessionStage.receivingData.make().machine.isReceivingData)
        #expect(SessionStage.awaitingConnection.make().machine.authenticatedUserID == nil)
    }
}
