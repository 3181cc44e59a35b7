import SMTPProtocol
import Testing

private let ehloBeforeTLS =
    "send: 250-mx.envoi.test|250-PIPELINING|250-SIZE 4096|250-STARTTLS|250-ENHANCEDSTATUSCODES|250-8BITMIME|250 SMTPUTF8"
private let ehloAfterTLS =
    "send: 250-mx.envoi.test|250-PIPELINING|250-SIZE 4096|250-AUTH PLAIN LOGIN|250-ENHANCEDSTATUSCODES|250-8BITMIME|250 SMTPUTF8"
private let startTLSRequired = "send: 530 5.7.0 Must issue a STARTTLS command first"
private let helloFirst = "send: 503 5.5.1 Error: send HELO/EHLO first"
private let mismatch = "send: 504 AUTH mechanism mismatch"
private let authRequired = "send: 535 Authentication required"
private let nested = "send: 503 5.5.1 Error: nested MAIL command"
private let tlsActive = "send: 503 5.5.1 Error: TLS already active"

/// One command line and its first action in each command stage, in the order of
/// `SessionStage.commandStages`: connected, greetedBeforeTLS, tlsNotGreeted, tlsGreeted,
/// authenticated, inTransaction, withRecipient.
struct CommandRow: Sendable, CustomTestStringConvertible {
    let line: String
    let firstActions: [String]
    var testDescription: String { line }
}

let commandTable: [CommandRow] = [
    CommandRow(line: "EHLO client.test", firstActions: [
        ehloBeforeTLS, ehloBeforeTLS, ehloAfterTLS, ehloAfterTLS, ehloAfterTLS, ehloAfterTLS, ehloAfterTLS]),
    CommandRow(line: "HELO client.test", firstActions: Array(repeating: "send: 250 mx.envoi.test", count: 7)),
    CommandRow(line: "STARTTLS", firstActions: [
        helloFirst, "startTLS: 220 2.0.0 Ready to start TLS", tlsActive, tlsActive, tlsActive, tlsActive, tlsActive]),
    CommandRow(line: "AUTH PLAIN \(Conversation.alicePlain)", firstActions: [
        startTLSRequired, startTLSRequired, helloFirst, "verifyCredentials: alice / s3cret", mismatch, mismatch, mismatch]),
    CommandRow(line: "AUTH LOGIN", firstActions: [
        startTLSRequired, startTLSRequired, helloFirst, "send: 334 VXNlcm5hbWU6", mismatch, mismatch, mismatch]),
    CommandRow(line: "AUTH CRAM-MD5", firstActions: [
        startTLSRequired, startTLSRequired, helloFirst, "send: 504 Method not supported", mismatch, mismatch, mismatch]),
    CommandRow(line: "AUTH XOAUTH2 dG9rZW4=", firstActions: [
        startTLSRequired, startTLSRequired, helloFirst, "send: 504 Method not supported", mismatch, mismatch, mismatch]),
    CommandRow(line: "AUTH", firstActions: [
        startTLSRequired, startTLSRequired, mismatch, mismatch, mismatch, mismatch, mismatch]),
    CommandRow(line: "AUTH PLAIN a b", firstActions: [
        startTLSRequired, startTLSRequired, mismatch, mismatch, mismatch, mismatch, mismatch]),
    CommandRow(line: "MAIL FROM:<alice@example.com>", firstActions: [
        authRequired, authRequired, authRequired, authRequired,
        "authorizeSender: <alice@example.com> as ocid1.user.envoi..alice", nested, nested]),
    CommandRow(line: "MAIL FROM:<alice@example.com> SIZE=4097", firstActions: [
        authRequired, authRequired, authRequired, authRequired, "send: 552 Exceeds byte limit", nested, nested]),
    CommandRow(line: "MAIL FROM:<bad>", firstActions: Array(repeating: "send: 553 bad Invalid email address", count: 7)),
    CommandRow(line: "RCPT TO:<bob@example.org>", firstActions: [
        authRequired, authRequired, authRequired, authRequired, "send: 503 5.5.1 Error: need MAIL command",
        "checkRecipient: bob@example.org", "send: 250 2.1.5 Ok"]),
    CommandRow(line: "RCPT TO:<carol@example.org>", firstActions: [
        authRequired, authRequired, authRequired, authRequired, "send: 503 5.5.1 Error: need MAIL command",
        "checkRecipient: carol@example.org", "checkRecipient: carol@example.org"]),
    CommandRow(line: "RCPT TO:<bad>", firstActions: Array(repeating: "send: 553 bad Invalid email address", count: 7)),
    CommandRow(line: "DATA", firstActions: [
        authRequired, authRequired, authRequired, authRequired, "send: 503 5.5.1 Error: need MAIL command",
        "send: 503 Need RCPT command", "send: 354 End data with <CR><LF>.<CR><LF>"]),
    CommandRow(line: "RSET", firstActions: Array(repeating: "send: 250 2.0.0 Ok", count: 7)),
    CommandRow(line: "NOOP", firstActions: Array(repeating: "send: 250 2.0.0 Ok", count: 7)),
    CommandRow(line: "HELP", firstActions: Array(repeating:
        "send: 214 2.0.0 Commands: EHLO HELO STARTTLS AUTH MAIL RCPT DATA RSET NOOP QUIT HELP VRFY", count: 7)),
    CommandRow(line: "VRFY bob", firstActions: Array(repeating:
        "send: 252 2.0.0 Cannot VRFY user, but will accept message and attempt delivery", count: 7)),
    CommandRow(line: "EXPN staff", firstActions: Array(repeating: "send: 502 5.5.1 Command not implemented", count: 7)),
    CommandRow(line: "XYZZY", firstActions: Array(repeating: "send: 500 5.5.2 Syntax error, command unrecognized", count: 7)),
    CommandRow(line: "NOOP " + String(repeating: "x", count: 600), firstActions: Array(repeating:
        "send: 500 5.5.2 Line too long", count: 7)),
    CommandRow(line: "QUIT", firstActions: Array(repeating: "sendAndClose: 221 2.0.0 Bye", count: 7)),
]

@Suite struct SMTPServerStateMachineCommandTests {
    @Test("every command in every command-reading state", arguments: commandTable)
    func commandInEachStage(row: CommandRow) {
        for (stage, expected) in zip(SessionStage.commandStages, row.firstActions) {
            var conversation = stage.make()
            let actions = conversation.send(row.line + "\r\n")
            // A reply is followed by a read; a request or an ending stands alone.
            let tail = expected.hasPrefix("send: ") ? ["readMore"] : []
            #expect(actions == [expected] + tail, "in \(stage)")
        }
    }

    @Test("a command sent while a result is pending is held, then run after it",
          arguments: SessionStage.waitingStages.filter { $0 != .startingTLS })
    func pipelinedCommandIsHeld(stage: SessionStage) {
        var conversation = stage.make()
        #expect(conversation.send("NOOP\r\n") == ["awaitResult"])
        #expect(conversation.machine.nextAction() == .awaitResult)
        let result: SMTPServerStateMachine.Action = switch stage {
        case .verifyingCredentials: conversation.machine.credentialsVerified(userID: Conversation.userID)
        case .authorizingSender: conversation.machine.senderAuthorized()
        case .checkingRecipient: conversation.machine.recipientAccepted()
        default: conversation.machine.messageCommitted(id: "m1")
        }
        let actions = conversation.follow(result)
        #expect(actions.count == 3 && actions[1] == "send: 250 2.0.0 Ok" && actions[2] == "readMore")
    }

    @Test("bytes received while reading DATA are content, not commands")
    func bytesInDataAreContent() {
        var conversation = SessionStage.receivingData.make()
        #expect(conversation.send("QUIT\r\nRSET\r\n") == ["readMore"])
        #expect(conversation.machine.isReceivingData)
    }

    @Test("after the end of the session every input closes", arguments: ["QUIT\r\n", "NOOP\r\n", ""])
    func closedStaysClosed(input: String) {
        var conversation = SessionStage.closed.make()
        #expect(conversation.send(input) == ["close"])
        #expect(conversation.machine.nextAction() == .close)
        #expect(conversation.machine.isClosed)
    }

    @Test("bytes from an early talker wait for the greeting, then run")
    func earlyTalker() {
        var conversation = Conversation()
        #expect(conversation.send("NOOP\r\n") == ["readMore"])
        #expect(conversation.follow(conversation.machine.connected())
            == ["send: 220 mx.envoi.test ESMTP Envoi", "send: 250 2.0.0 Ok", "readMore"])
    }
}
