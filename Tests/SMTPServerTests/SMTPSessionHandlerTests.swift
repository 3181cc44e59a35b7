import EnvoiCore
import Logging
import NIOCore
import NIOEmbedded
import SMTPProtocol
import Testing
@testable import SMTPServer

/// The NIO handler over an in-memory channel: what it writes for what it reads, fed byte by byte
/// and all at once, its timers on a virtual clock, and the connection guard. Flows that need TLS
/// and the store are covered over real sockets in Tests/integration/test_smtp.py.
@Suite struct SMTPSessionHandlerTests {
    /// An intake that must never be asked anything in these tests: no AUTH happens without TLS.
    struct UnreachableIntake: MessageIntake {
        func authenticate(username: String, password: String) async -> AuthenticationResult { .rejected }
        func currentMaximumMessageSize() -> Int { 1_000_000 }
        func checkEnvelopeSender(_ sender: EmailAddress, for submitter: Submitter) async -> IntakeRefusal? { .temporaryFailure }
        func checkRecipient(_ recipient: EmailAddress, acceptedSoFar: Int, for submitter: Submitter) async -> RecipientDecision {
            .refused(.temporaryFailure)
        }
        func submit(_ submission: Submission) async -> SubmissionResult { .refused(.temporaryFailure) }
    }

    static func dependencies(maximumPerAddress: Int = 10, failureLimit: Int = 5) -> SMTPSessionDependencies {
        let configuration = SMTPListenerConfiguration(listen: [], hostname: "mx.test", tls: nil,
                                                      maximumConnectionsPerAddress: maximumPerAddress,
                                                      commandTimeout: .seconds(30), dataTimeout: .seconds(10))
        return SMTPSessionDependencies(
            configuration: configuration, intake: UnreachableIntake(), reports: nil,
            guard: ConnectionGuard(maximumConnections: 100, maximumPerAddress: maximumPerAddress,
                                   failureLimit: failureLimit, failureWindow: .seconds(60)),
            logger: Logger(label: "test"))
    }

    /// A connected session; the greeting (or refusal) is already written.
    static func session(_ shared: SMTPSessionDependencies, client: String = "127.0.0.9") async throws -> NIOAsyncTestingChannel {
        let channel = NIOAsyncTestingChannel()
        try await channel.pipeline.addHandler(SMTPSessionHandler(shared: shared, clientAddress: client, maximumMessageSize: 1_000_000))
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 2525))
        return channel
    }

    /// Everything written so far, as text.
    static func written(_ channel: NIOAsyncTestingChannel) async throws -> String {
        var text = ""
        while let buffer = try await channel.readOutbound(as: ByteBuffer.self) {
            text += String(buffer: buffer)
        }
        return text
    }

    static func send(_ bytes: String, to channel: NIOAsyncTestingChannel, byteByByte: Bool) async throws {
        if byteByByte {
            for byte in bytes.utf8 { try await channel.writeInbound(ByteBuffer(bytes: [byte])) }
        } else {
            try await channel.writeInbound(ByteBuffer(string: bytes))
        }
    }

    @Test("a connection is greeted with 220 and the host name")
    func greeting() async throws {
        let channel = try await Self.session(Self.dependencies())
        #expect(try await Self.written(channel) == "220 mx.test ESMTP Envoi\r\n")
        _ = try? await channel.finish()
    }

    @Test("pipelined commands get one reply each, in order, fed byte by byte or all at once", arguments: [true, false])
    func pipelining(byteByByte: Bool) async throws {
        let channel = try await Self.session(Self.dependencies())
        _ = try await Self.written(channel)
        try await Self.send("EHLO client.test\r\nNOOP\r\nMAIL FROM:<a@example.com>\r\nQUIT\r\n", to: channel, byteByByte: byteByByte)
        let replies = try await Self.written(channel).split(separator: "\r\n").map(String.init)
        #expect(replies.first == "250-mx.test")
        #expect(!replies.contains { $0.contains("AUTH") }, "AUTH is never advertised without TLS")
        #expect(Array(replies.suffix(3)) == [
            "250 2.0.0 Ok",
            "535 Authentication required",
            "221 2.0.0 Bye",
        ])
        #expect(!channel.isActive, "QUIT closes the connection")
    }

    @Test("a command line over 512 octets is refused and the session goes on")
    func longLine() async throws {
        let channel = try await Self.session(Self.dependencies())
        _ = try await Self.written(channel)
        try await channel.writeInbound(ByteBuffer(string: "NOOP " + String(repeating: "x", count: 600) + "\r\nNOOP\r\n"))
        #expect(try await Self.written(channel) == "500 5.5.2 Line too long\r\n250 2.0.0 Ok\r\n")
        #expect(channel.isActive)
        _ = try? await channel.finish()
    }

    @Test("a silent client is told 421 when the command timeout passes, then closed")
    func idleTimeout() async throws {
        let channel = try await Self.session(Self.dependencies())
        _ = try await Self.written(channel)
        await channel.testingEventLoop.advanceTime(by: .seconds(29))
        #expect(try await Self.written(channel) == "")
        await channel.testingEventLoop.advanceTime(by: .seconds(1))
        #expect(try await Self.written(channel) == "421 Timeout waiting for data from client\r\n")
        #expect(!channel.isActive)
    }

    @Test("each command restarts the idle timer")
    func activityResetsTimer() async throws {
        let channel = try await Self.session(Self.dependencies())
        _ = try await Self.written(channel)
        await channel.testingEventLoop.advanceTime(by: .seconds(20))
        try await channel.writeInbound(ByteBuffer(string: "NOOP\r\n"))
        await channel.testingEventLoop.advanceTime(by: .seconds(20))
        #expect(try await Self.written(channel) == "250 2.0.0 Ok\r\n")
        #expect(channel.isActive)
        _ = try? await channel.finish()
    }

    @Test("over the per-address limit a connection gets 421 instead of the greeting; closing frees the slot")
    func connectionLimit() async throws {
        let shared = Self.dependencies(maximumPerAddress: 1)
        let first = try await Self.session(shared)
        #expect(try await Self.written(first).hasPrefix("220 "))
        let second = try await Self.session(shared)
        #expect(try await Self.written(second) == "421 Too many connections, try again later\r\n")
        #expect(!second.isActive)
        let other = try await Self.session(shared, client: "127.0.0.10")
        #expect(try await Self.written(other).hasPrefix("220 "), "another address is unaffected")
        try await first.writeInbound(ByteBuffer(string: "QUIT\r\n"))
        let third = try await Self.session(shared)
        #expect(try await Self.written(third).hasPrefix("220 "))
        _ = try? await other.finish()
        _ = try? await third.finish()
    }

    @Test("a throttled address is refused at connect with 421")
    func throttledAddress() async throws {
        let shared = Self.dependencies(failureLimit: 2)
        shared.guard.recordFailure("127.0.0.9")
        shared.guard.recordFailure("127.0.0.9")
        let channel = try await Self.session(shared)
        #expect(try await Self.written(channel) == "421 Too many auth failures, try again later\r\n")
        #expect(!channel.isActive)
    }

    @Test("shutdown ends an idle session with 421 4.3.2")
    func shutdown() async throws {
        let channel = try await Self.session(Self.dependencies())
        _ = try await Self.written(channel)
        channel.pipeline.fireUserInboundEventTriggered(SMTPServer.ShutdownEvent())
        try await Task.sleep(for: .milliseconds(10))
        #expect(try await Self.written(channel) == "421 4.3.2 Service shutting down, closing transmission channel\r\n")
        #expect(!channel.isActive)
    }
}
