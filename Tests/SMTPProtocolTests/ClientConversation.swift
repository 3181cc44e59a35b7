import SMTPProtocol
import Testing

/// Drives a client state machine as the channel handler will, recording every action as a short
/// line of text that tests compare: `send: MAIL FROM:<…>`, `deliver: …`, `readMore`, `close`.
struct ClientConversation {
    static let credentials = SMTPClientCredentials(username: "alice", password: "s3cret")
    static let configuration = SMTPClientConfiguration(hostname: "client.test", tlsPolicy: .opportunistic,
                                                       credentials: credentials)
    /// An EHLO reply before TLS, offering what Envoi offers.
    static let ehloBeforeTLS = "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 4096\r\n250-STARTTLS\r\n250-ENHANCEDSTATUSCODES\r\n250 8BITMIME\r\n"
    /// The EHLO reply after TLS.
    static let ehloAfterTLS = "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 4096\r\n250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
    /// A message to one recipient, 21 bytes of content.
    static let message = SMTPClientMessage(reversePath: "alice@example.com", recipients: ["bob@example.org"],
                                           content: Array("Subject: hi\r\n\r\nbody\r\n".utf8))
    /// A message to two recipients.
    static let twoRecipients = SMTPClientMessage(reversePath: "alice@example.com",
                                                 recipients: ["bob@example.org", "carol@example.org"],
                                                 content: Array("Subject: hi\r\n\r\nbody\r\n".utf8))

    var machine: SMTPClientStateMachine

    init(configuration: SMTPClientConfiguration = ClientConversation.configuration) {
        machine = SMTPClientStateMachine(configuration: configuration)
    }

    /// Feeds the server's `text` in one chunk; returns the actions up to the first that waits.
    mutating func receive(_ text: String) -> [String] {
        follow(machine.receivedBytes(Array(text.utf8)))
    }

    /// Feeds `text` one byte at a time; returns every action except the `readMore`s in between.
    mutating func receiveByteByByte(_ text: String) -> [String] {
        let actions = Array(text.utf8).flatMap { follow(machine.receivedBytes([$0])) }
        return actions.enumerated().filter { $0.element != "readMore" || $0.offset == actions.count - 1 }.map(\.element)
    }

    /// Performs `first` and the `send`s and `deliver`s after it; ends with the waiting action.
    mutating func follow(_ first: SMTPClientStateMachine.Action) -> [String] {
        var actions = [first]
        while actions.count < 100 {
            switch actions.last! {
            case .send, .deliver: actions.append(machine.nextAction())
            default: return actions.map(Self.describe)
            }
        }
        Issue.record("more than 100 actions in a row")
        return actions.map(Self.describe)
    }

    /// One action as text.
    static func describe(_ action: SMTPClientStateMachine.Action) -> String {
        switch action {
        case .send(let bytes):
            "send: " + String(decoding: bytes, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
                .dropLast().joined(separator: "|")
        case .startTLS: "startTLS"
        case .readMore: "readMore"
        case .awaitMessage: "awaitMessage"
        case .deliver(let result): "deliver: " + describe(result)
        case .close(let error): error.map { "close: \($0)" } ?? "close"
        }
    }

    /// `bob@example.org 250 accepted, … (final 250 2.0.0 Ok)`.
    static func describe(_ result: SMTPDeliveryResult) -> String {
        let recipients = result.recipients.map { recipient in
            let how: String
            switch recipient.outcome {
            case .reply(let reply): how = reply.code.description
            case .failed(let error): how = "[\(error)]"
            }
            return "\(recipient.recipient) \(how) \(recipient.disposition)"
        }
        return recipients.joined(separator: ", ") + " (final \(result.finalReply.map(\.description) ?? "none"))"
    }

    // MARK: - Bringing a machine to a known state

    /// Connected, waiting for the greeting.
    static func connected(_ configuration: SMTPClientConfiguration = ClientConversation.configuration) -> ClientConversation {
        var conversation = ClientConversation(configuration: configuration)
        _ = conversation.follow(conversation.machine.connected())
        return conversation
    }

    /// Greeted; EHLO sent.
    static func ehloSent(_ configuration: SMTPClientConfiguration = ClientConversation.configuration) -> ClientConversation {
        var conversation = connected(configuration)
        _ = conversation.receive("220 mx.test ESMTP\r\n")
        return conversation
    }

    /// STARTTLS sent, waiting for 220.
    static func startTLSSent() -> ClientConversation {
        var conversation = ehloSent()
        _ = conversation.receive(ehloBeforeTLS)
        return conversation
    }

    /// 220 received, the handshake under way.
    static func handshaking() -> ClientConversation {
        var conversation = startTLSSent()
        _ = conversation.receive("220 2.0.0 Ready to start TLS\r\n")
        return conversation
    }

    /// TLS up; the second EHLO sent.
    static func tlsEhloSent() -> ClientConversation {
        var conversation = handshaking()
        _ = conversation.follow(conversation.machine.tlsEstablished())
        return conversation
    }

    /// Authenticated, ready for a message; `pipelining` chooses whether the client uses it.
    static func ready(pipelining: Bool = false) -> ClientConversation {
        var configuration = Self.configuration
        configuration.usesPipelining = pipelining
        var conversation = connected(configuration)
        _ = conversation.receive("220 mx.test ESMTP\r\n")
        _ = conversation.receive(ehloBeforeTLS)
        _ = conversation.receive("220 2.0.0 Ready to start TLS\r\n")
        _ = conversation.follow(conversation.machine.tlsEstablished())
        _ = conversation.receive(ehloAfterTLS)
        _ = conversation.receive("235 2.7.0 Authentication successful\r\n")
        return conversation
    }

    /// A message in flight without pipelining, MAIL sent.
    static func mailSent(_ message: SMTPClientMessage = ClientConversation.message) -> ClientConversation {
        var conversation = ready()
        _ = conversation.follow(conversation.machine.sendMessage(message))
        return conversation
    }
}
