import SMTPProtocol

/// Runs a whole client session against a scripted server and returns the transcript: each
/// client write (`C: …`), each delivery, `[tls]` and the close.
///
/// The script holds the server's answers, one entry per turn: the greeting, then one entry
/// each time the client waits for a reply (a pipelined group's replies are one entry). Each
/// entry is fed in chunks of `chunkSize` bytes; the transcript must not depend on it.
struct ScriptedServer {
    static func run(_ script: [String], messages: [SMTPClientMessage], chunkSize: Int,
                    configuration: SMTPClientConfiguration = ClientConversation.configuration) -> [String] {
        var machine = SMTPClientStateMachine(configuration: configuration)
        var transcript: [String] = []
        var turns = script[...]
        var pending: ArraySlice<UInt8> = []
        var queue = messages[...]
        var action = machine.connected()
        for _ in 0..<100_000 {
            switch action {
            case .send(let bytes):
                transcript.append("C: " + ClientConversation.describe(.send(bytes)).dropFirst(6))
                action = machine.nextAction()
            case .deliver(let result):
                transcript.append("deliver: " + ClientConversation.describe(result))
                action = machine.nextAction()
            case .awaitMessage:
                if let message = queue.popFirst() {
                    action = machine.sendMessage(message)
                } else {
                    action = machine.quit()
                }
            case .startTLS:
                transcript.append("[tls]")
                action = machine.tlsEstablished()
            case .readMore:
                if pending.isEmpty {
                    guard let turn = turns.popFirst() else {
                        transcript.append("[server hung up]")
                        action = machine.connectionClosed()
                        continue
                    }
                    pending = Array(turn.utf8)[...]
                }
                let chunk = pending.prefix(chunkSize)
                pending = pending.dropFirst(chunkSize)
                action = machine.receivedBytes(chunk)
            case .close(let error):
                transcript.append(error.map { "[close: \($0)]" } ?? "[close]")
                return transcript
            }
        }
        transcript.append("[runaway]")
        return transcript
    }
}
