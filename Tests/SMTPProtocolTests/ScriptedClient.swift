import SMTPProtocol

/// Runs a whole client byte stream through a state machine, answering every request the way a
/// permissive control plane would, and returns the transcript: each reply line and each request.
///
/// The stream is cut into parts at each STARTTLS, because a real client waits for the 220 and
/// the handshake before it sends more; each part is fed in chunks of `chunkSize` bytes.
struct ScriptedClient {
    /// Recipients whose local part starts with this are answered as suppressed.
    static let suppressedPrefix = "suppressed"

    var machine: SMTPServerStateMachine
    private(set) var transcript: [String] = []
    private var committed = 0

    init(configuration: SMTPServerConfiguration = Conversation.configuration) {
        machine = SMTPServerStateMachine(configuration: configuration)
    }

    static func run(
        _ parts: [String], chunkSize: Int, configuration: SMTPServerConfiguration = Conversation.configuration
    ) -> [String] {
        var client = ScriptedClient(configuration: configuration)
        client.perform(client.machine.connected())
        for part in parts {
            let bytes = Array(part.utf8)
            var start = 0
            while start < bytes.count, !client.machine.isClosed {
                let end = min(bytes.count, start + chunkSize)
                client.perform(client.machine.receivedBytes(bytes[start..<end]))
                start = end
            }
        }
        return client.transcript
    }

    private mutating func perform(_ first: SMTPServerStateMachine.Action) {
        var action = first
        while true {
            switch action {
            case .send(let reply):
                transcript.append(Conversation.text(of: reply))
                action = machine.nextAction()
            case .sendAndClose(let reply):
                transcript.append(Conversation.text(of: reply) + " [close]")
                return
            case .startTLS(let reply):
                transcript.append(Conversation.text(of: reply) + " [tls]")
                action = machine.tlsEstablished()
            case .verifyCredentials(let username, let password):
                transcript.append("[verify \(username)/\(password)]")
                action = password == "s3cret"
                    ? machine.credentialsVerified(userID: Conversation.userID) : machine.credentialsRejected()
            case .authorizeSender(let path, _):
                transcript.append("[authorize <\(path)>]")
                action = machine.senderAuthorized()
            case .checkRecipient(let address, _):
                transcript.append("[check \(address)]")
                action = address.localPart.hasPrefix(Self.suppressedPrefix)
                    ? machine.recipientSuppressed() : machine.recipientAccepted()
            case .commitMessage(let envelope, let message):
                committed += 1
                transcript.append(
                    "[commit \(envelope.recipients.map(\.description)) \(envelope.suppressedRecipients.map(\.description)) "
                        + String(decoding: message, as: UTF8.self).debugDescription + "]")
                action = machine.messageCommitted(id: "m\(committed)")
            case .checkReturnPath(let address, _):
                transcript.append("[return path \(address)]")
                action = machine.recipientAccepted()
            case .processReport(let envelope, _):
                transcript.append("[report \(envelope.recipients.map(\.description))]")
                action = machine.reportReceived()
            case .readMore, .awaitResult, .close:
                return
            }
        }
    }
}
