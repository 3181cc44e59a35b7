import SMTPProtocol
import EnvoiCore

/// What `envoi demo`'s traffic got back: messages sent, each recipient's deciding reply code,
/// recipients on the suppression list, and failures by reason.
final class DemoTally: Sendable {
    private struct Counts {
        var messages = 0
        var replies: [String: Int] = [:]
        var suppressed = 0
        var failures: [String: Int] = [:]
    }

    private let counts = Locked(Counts())

    /// Counts one message's result; `suppressed` is the suppression list as the generator knows it.
    func record(_ result: SMTPDeliveryResult, suppressed: Set<String>) {
        counts.withLock { counts in
            counts.messages += 1
            for recipient in result.recipients {
                guard case .reply(let reply) = recipient.outcome else { continue }
                counts.replies[reply.code.description, default: 0] += 1
                // The server answers 254 to the RCPT of a suppressed address; the client then
                // reports the reply to the content for it, so count it here by address.
                if recipient.disposition == .accepted, suppressed.contains(recipient.recipient) {
                    counts.suppressed += 1
                }
            }
        }
    }

    /// Counts a failure that kept a message from a final reply (connect, TLS, AUTH, timeout).
    func fail(_ reason: String) {
        counts.withLock { $0.failures[reason, default: 0] += 1 }
    }

    /// Recipients answered with `code` so far.
    func recipients(answered code: String) -> Int { counts.withLock { $0.replies[code] ?? 0 } }

    /// One line: `demo traffic: 120 messages, recipients 250=130 455=40, 12 to suppressed addresses`.
    var summary: String {
        counts.withLock { counts in
            let replies = counts.replies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            var line = "demo traffic: \(counts.messages) messages, recipients \(replies.isEmpty ? "none" : replies), "
                + "\(counts.suppressed) to suppressed addresses (254)"
            let failures = counts.failures.values.reduce(0, +)
            if failures > 0 {
                let first = counts.failures.max { $0.value < $1.value }.map { "\($0.key) ×\($0.value)" } ?? ""
                line += ", \(failures) failures (most: \(first))"
            }
            return line
        }
    }
}
