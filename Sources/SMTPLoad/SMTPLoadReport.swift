import Foundation

/// What a load run measured: throughput, latency per message and the count of each outcome.
public struct SMTPLoadReport: Sendable {
    /// The run's settings (credentials are reported by user name only).
    public let configuration: SMTPLoadConfiguration
    /// From the start of the run to the last message's final reply.
    public let elapsed: Duration
    /// Per message, from MAIL (or RSET) written to the final reply; sorted ascending.
    public let latencies: [Duration]
    /// Messages per final reply code (`250`).
    public let replies: [String: Int]
    /// Messages that got no final reply, per reason (`run timeout`, `connection closed`, …).
    public let errors: [String: Int]
    /// Messages whose every recipient was accepted (2yz).
    public let accepted: Int
    /// True when the run's timeout cut it short.
    public let timedOut: Bool

    /// Messages that got a final reply, whatever it said.
    public var replied: Int { latencies.count }

    /// Replied messages per second of the run.
    public var messagesPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(replied) / seconds : 0
    }

    /// True when every message got a final reply before the timeout.
    public var isComplete: Bool { !timedOut && replied == configuration.messages }

    /// The nearest-rank percentile `p` (0...100) of the latencies; nil without any.
    public func percentile(_ p: Double) -> Duration? {
        guard !latencies.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(latencies.count)).rounded(.up))
        return latencies[min(max(rank, 1), latencies.count) - 1]
    }

    /// The report as lines of text, for a person.
    public var text: String {
        let settings = configuration
        var features = [settings.startTLS ? "STARTTLS" : "no TLS"]
        if settings.pipelining { features.append("PIPELINING") }
        if let credentials = settings.credentials { features.append("AUTH as \(credentials.username)") }
        var lines = [
            "loadgen smtp \(settings.host):\(settings.port): \(settings.connections) connections, "
                + "\(settings.messages) messages of \(settings.messageSize) bytes, \(features.joined(separator: ", "))",
            String(format: "messages/s: %.1f (%d replied in %.3f s)", messagesPerSecond, replied, Self.milliseconds(elapsed) / 1000)
                + (timedOut ? ", TIMED OUT" : ""),
        ]
        if let p50 = percentile(50), let p90 = percentile(90), let p99 = percentile(99), let max = latencies.last {
            lines.append(String(format: "latency ms: p50 %.2f p90 %.2f p99 %.2f max %.2f",
                                Self.milliseconds(p50), Self.milliseconds(p90), Self.milliseconds(p99), Self.milliseconds(max)))
        } else {
            lines.append("latency ms: none")
        }
        let codes = replies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        lines.append("replies: " + (codes.isEmpty ? "none" : codes.joined(separator: " ")))
        // One line per reason: a reason is free text (a TLS library's message, say).
        for (reason, count) in errors.sorted(by: { $0.key < $1.key }) {
            lines.append("error (\(count)): \(reason)")
        }
        return lines.joined(separator: "\n")
    }

    /// The report as one JSON object, for scripts.
    public var json: String {
        struct Summary: Encodable {
            let host: String, port: Int, connections: Int, messages: Int, size: Int
            let starttls: Bool, pipelining: Bool, auth: Bool
            let elapsed_s: Double, messages_per_s: Double, replied: Int, accepted: Int, timed_out: Bool
            let p50_ms: Double?, p90_ms: Double?, p99_ms: Double?, max_ms: Double?
            let replies: [String: Int], errors: [String: Int]
        }
        let settings = configuration
        let summary = Summary(
            host: settings.host, port: settings.port, connections: settings.connections, messages: settings.messages,
            size: settings.messageSize, starttls: settings.startTLS, pipelining: settings.pipelining,
            auth: settings.credentials != nil, elapsed_s: Self.milliseconds(elapsed) / 1000,
            messages_per_s: messagesPerSecond, replied: replied, accepted: accepted, timed_out: timedOut,
            p50_ms: percentile(50).map(Self.milliseconds), p90_ms: percentile(90).map(Self.milliseconds),
            p99_ms: percentile(99).map(Self.milliseconds), max_ms: latencies.last.map(Self.milliseconds),
            replies: replies, errors: errors)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(summary)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
