import EnvoiCore
import Foundation
import SMTPProtocol
import Testing

/// Drives a state machine as the channel handler will: performs each `.send` by asking for the
/// next action, and records every action as a short line of text that tests compare.
struct Conversation {
    static let userID = "ocid1.user.envoi..alice"
    static let configuration = SMTPServerConfiguration(hostname: "mx.envoi.test", maximumMessageSize: 4096)

    var machine: SMTPServerStateMachine

    init(configuration: SMTPServerConfiguration = Conversation.configuration) {
        machine = SMTPServerStateMachine(configuration: configuration)
    }

    /// Feeds `text` (UTF-8) in one chunk; returns the actions up to the first one that waits.
    mutating func send(_ text: String) -> [String] {
        receive(Array(text.utf8))
    }

    /// Feeds `bytes` in one chunk.
    mutating func receive(_ bytes: [UInt8]) -> [String] {
        follow(machine.receivedBytes(bytes))
    }

    /// Feeds `bytes` one at a time, collecting every action.
    mutating func receiveByteByByte(_ bytes: [UInt8]) -> [String] {
        bytes.flatMap { receive([$0]) }
    }

    /// Performs `first` and the `.send`s after it; the result ends with the waiting action.
    mutating func follow(_ first: SMTPServerStateMachine.Action) -> [String] {
        var actions = [first]
        while case .send = actions.last! {
            actions.append(machine.nextAction())
        }
        return actions.map(Self.describe)
    }

    /// One action as text: `send: 250 2.0.0 Ok`, `authorizeSender: a@b.c`, `readMore`, …
    static func describe(_ action: SMTPServerStateMachine.Action) -> String {
        switch action {
        case .send(let reply): "send: \(text(of: reply))"
        case .sendAndClose(let reply): "sendAndClose: \(text(of: reply))"
        case .startTLS(let reply): "startTLS: \(text(of: reply))"
        case .verifyCredentials(let username, let password): "verifyCredentials: \(username) / \(password)"
        case .authorizeSender(let path, let envelope): "authorizeSender: <\(path)> as \(envelope.userID)"
        case .checkRecipient(let address, _): "checkRecipient: \(address)"
        case .checkReturnPath(let address, _): "checkReturnPath: \(address)"
        case .processReport(let envelope, let message):
            "processReport: \(envelope.recipients.map(\.description).joined(separator: ",")), \(message.count) bytes"
        case .commitMessage(let envelope, let message):
            "commitMessage: \(envelope.recipients.count)+\(envelope.suppressedRecipients.count) rcpt, \(message.count) bytes"
        case .readMore: "readMore"
        case .awaitResult: "awaitResult"
        case .close: "close"
        }
    }

    /// A single-line reply as its line; a multi-line one with `|` between lines.
    static func text(of reply: SMTPReply) -> String {
        reply.wireText.split(separator: "\r\n").joined(separator: "|")
    }

    /// Base64 of `text`, as clients encode AUTH answers.
    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    /// The AUTH PLAIN initial response for alice.
    static let alicePlain = base64("\0alice\0s3cret")

    // MARK: - Bringing a machine to a known state

    /// Connected and greeted by the server, nothing sent by the client yet.
    static func connected(configuration: SMTPServerConfiguration = Conversation.configuration) -> Conversation {
        var conversation = Conversation(configuration: configuration)
        _ = conversation.follow(conversation.machine.connected())
        return conversation
    }

    /// After EHLO, before STARTTLS.
    static func greetedBeforeTLS() -> Conversation {
        var conversation = connected()
        _ = conversation.send("EHLO client.test\r\n")
        return conversation
    }

    /// TLS is up, the client has not greeted again.
    static func tlsNotGreeted(configuration: SMTPServerConfiguration = Conversation.configuration) -> Conversation {
        var conversation = connected(configuration: configuration)
        _ = conversation.send("EHLO client.test\r\nSTARTTLS\r\n")
        _ = conversation.follow(conversation.machine.tlsEstablished())
        return conversation
    }

    /// TLS is up and the client greeted again.
    static func tlsGreeted(configuration: SMTPServerConfiguration = Conversation.configuration) -> Conversation {
        var conversation = tlsNotGreeted(configuration: configuration)
        _ = conversation.send("EHLO client.test\r\n")
        return conversation
    }

    /// Authenticated as alice.
    static func authenticated(configuration: SMTPServerConfiguration = Conversation.configuration) -> Conversation {
        var conversation = tlsGreeted(configuration: configuration)
        _ = conversation.send("AUTH PLAIN \(alicePlain)\r\n")
        _ = conversation.follow(conversation.machine.credentialsVerified(userID: userID))
        return conversation
    }

    /// Inside a transaction whose MAIL FROM was accepted, no recipient yet.
    static func inTransaction(configuration: SMTPServerConfiguration = Conversation.configuration) -> Conversation {
        var conversation = authenticated(configuration: configuration)
        _ = conversation.send("MAIL FROM:<alice@example.com>\r\n")
        _ = conversation.follow(conversation.machine.senderAuthorized())
        return conversation
    }

    /// Inside a transaction with one accepted recipient.
    static func withRecipient(configuration: SMTPServerConfiguration = Conversation.configuration) -> Conversation {
        var conversation = inTransaction(configuration: configuration)
        _ = conversation.send("RCPT TO:<bob@example.org>\r\n")
        _ = conversation.follow(conversation.machine.recipientAccepted())
        return conversation
    }

    /// After 354: reading the message.
    static func receivingData(configuration: SMTPServerConfiguration = Conversation.configuration) -> Conversation {
        var conversation = withRecipient(configuration: configuration)
        _ = conversation.send("DATA\r\n")
        return conversation
    }
}

/// Wire text as a test argument, shown with its CR and LF escaped in test names.
struct Wire: Sendable, ExpressibleByStringLiteral, CustomTestStringConvertible {
    let text: String
    init(stringLiteral text: String) { self.text = text }
    var testDescription: String { text.debugDescription }
}
