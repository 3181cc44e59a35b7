import SMTPClient
@testable import SMTPLoad
import SMTPProtocol
import Testing

@Suite struct SMTPLoadGeneratorTests {
    @Test("messages have exactly the requested size, CRLF lines of at most 78 characters",
          arguments: [250, 255, 256, 257, 2048, 2049, 2050, 2051, 10_000])
    func messageSize(size: Int) {
        let factory = LoadMessageFactory(sender: "a@b.c", recipient: "d@e.f", size: size)
        let content = factory.message(connection: 3, sequence: 7).content
        #expect(content.count == size)
        let text = String(decoding: content, as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(lines.allSatisfy { $0.utf8.count <= 78 && !$0.contains("\r") && !$0.contains("\n") })
        #expect(text.contains("Message-ID: <\(factory.runID).3.7@loadgen.envoi.test>\r\n"))
    }

    @Test("percentiles are nearest-rank over the sorted latencies")
    func percentiles() {
        let report = SMTPLoadReport(configuration: SMTPLoadConfiguration(port: 25, messages: 100), elapsed: .seconds(2),
                                    latencies: (1...100).map { .milliseconds($0) }, replies: ["250": 100], errors: [:],
                                    accepted: 100, timedOut: false)
        #expect(report.percentile(50) == .milliseconds(50))
        #expect(report.percentile(90) == .milliseconds(90))
        #expect(report.percentile(99) == .milliseconds(99))
        #expect(report.percentile(100) == .milliseconds(100))
        #expect(report.messagesPerSecond == 50)
        #expect(report.isComplete)
        #expect(report.text.contains("latency ms: p50 50.00 p90 90.00 p99 99.00 max 100.00"))
        #expect(report.text.contains("replies: 250=100"))
        #expect(report.json.contains("\"replies\":{\"250\":100}"))
    }

    @Test("only loopback targets unless allowed; AUTH only with STARTTLS", arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("::1", true),
        ("10.0.0.1", false), ("192.168.1.1", false), ("127.0.0.256", false), ("127.0.0", false), ("example.com", false),
    ])
    func validation(host: String, allowed: Bool) {
        var configuration = SMTPLoadConfiguration(host: host, port: 2525)
        #expect((configuration.validate() == nil) == allowed)
        configuration.allowsRemoteTarget = true
        #expect(configuration.validate() == nil)
        configuration.credentials = SMTPClientCredentials(username: "u", password: "secret-word")
        #expect(configuration.validate()?.contains("--starttls") == true)
        #expect(configuration.validate()?.contains("secret-word") == false)
    }

    @Test("a run against the sink over loopback: every message accepted, with and without TLS, AUTH and pipelining",
          arguments: [(false, false), (true, false), (true, true)])
    func againstSink(startTLS: Bool, pipelining: Bool) async throws {
        let sink = try SMTPSink(host: "127.0.0.1", port: 0, offersTLS: startTLS)
        let address = try await sink.start()
        var configuration = SMTPLoadConfiguration(
            port: address.port!, connections: 4, messages: 30, messageSize: 1000, startTLS: startTLS,
            credentials: startTLS ? SMTPClientCredentials(username: "u", password: "p") : nil, pipelining: pipelining,
            timeout: .seconds(30))
        configuration.threads = 1
        #expect(configuration.validate() == nil)
        let report = try await SMTPLoadGenerator(configuration: configuration).run()
        sink.stop()
        try await sink.run(until: .now)
        #expect(report.replies == ["250": 30] && report.errors.isEmpty)
        #expect(report.accepted == 30 && report.replied == 30 && report.isComplete)
    }

    @Test("a closed port: every message is reported as not sent, quickly")
    func refused() async throws {
        let sink = try SMTPSink(host: "127.0.0.1", port: 0, offersTLS: false)
        let port = try await sink.start().port!
        sink.stop()
        try await sink.run(until: .now)
        let configuration = SMTPLoadConfiguration(port: port, connections: 2, messages: 5, timeout: .seconds(20))
        let report = try await SMTPLoadGenerator(configuration: configuration).run()
        #expect(report.replied == 0 && !report.isComplete && !report.timedOut)
        #expect(report.errors.values.reduce(0, +) == 5 && report.replies.isEmpty)
        #expect(report.text.contains("replies: none"))
    }
}
