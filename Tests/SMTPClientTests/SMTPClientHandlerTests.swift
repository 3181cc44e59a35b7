import NIOCore
import NIOEmbedded
@testable import SMTPClient
import SMTPProtocol
import Testing

/// The handler on an `EmbeddedChannel`: it writes what the machine says, in one flush per group,
/// completes its owner's promises, and runs the reply timer.
@Suite struct SMTPClientHandlerTests {
    static let configuration = SMTPClientConfiguration(hostname: "client.test", tlsPolicy: .never)
    static let message = SMTPClientMessage(reversePath: "a@example.com", recipients: ["b@example.org"],
                                           content: Array("Subject: x\r\n\r\n.hi\r\n".utf8))
    static let ehlo = "250-mx.test\r\n250-PIPELINING\r\n250-SIZE 1000\r\n250 8BITMIME\r\n"

    final class Harness {
        let channel = EmbeddedChannel()
        let handler: SMTPClientHandler
        let ready: EventLoopPromise<SMTPServerCapabilities>

        init(replyTimeout: TimeAmount = .seconds(30)) throws {
            ready = channel.eventLoop.makePromise()
            handler = SMTPClientHandler(configuration: SMTPClientHandlerTests.configuration, tls: nil,
                                        replyTimeout: replyTimeout, ready: ready)
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 25)).wait()
        }

        /// Feeds `text` in chunks of `chunkSize` bytes.
        func receive(_ text: String, chunkSize: Int = 100_000) throws {
            let bytes = Array(text.utf8)
            for start in stride(from: 0, to: bytes.count, by: chunkSize) {
                try channel.writeInbound(channel.allocator.buffer(bytes: bytes[start..<min(start + chunkSize, bytes.count)]))
            }
        }

        /// Everything written since the last call, and the number of separate writes.
        func written() throws -> (text: String, writes: Int) {
            var text = ""
            var writes = 0
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
                text += String(buffer: buffer)
                writes += 1
            }
            return (text, writes)
        }
    }

    @Test("a whole session: EHLO, a pipelined message, QUIT; replies byte by byte and at once", arguments: [1, 3, 100_000])
    func session(chunkSize: Int) throws {
        let harness = try Harness()
        try harness.receive("220 mx.test ESMTP\r\n", chunkSize: chunkSize)
        #expect(try harness.written().text == "EHLO client.test\r\n")
        try harness.receive(Self.ehlo, chunkSize: chunkSize)
        #expect(try harness.ready.futureResult.wait().size == 1000)

        let delivery = harness.channel.eventLoop.makePromise(of: SMTPClientDelivery.self)
        harness.handler.send(Self.message, promise: delivery)
        let group = try harness.written()
        #expect(group.text == "MAIL FROM:<a@example.com> SIZE=19\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
        #expect(group.writes == 1)
        try harness.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n", chunkSize: chunkSize)
        #expect(try harness.written().text == "Subject: x\r\n\r\n..hi\r\n.\r\n")
        try harness.receive("250 2.0.0 Ok: queued as q1\r\n", chunkSize: chunkSize)
        let result = try delivery.futureResult.wait()
        #expect(result.result.isAccepted)
        #expect(result.result.finalReply?.text == "Ok: queued as q1")

        let quit = harness.channel.eventLoop.makePromise(of: Void.self)
        harness.handler.quit(promise: quit)
        #expect(try harness.written().text == "QUIT\r\n")
        try harness.receive("221 2.0.0 Bye\r\n", chunkSize: chunkSize)
        try quit.futureResult.wait()
        #expect(!harness.channel.isActive)
    }

    @Test("a refused greeting fails the ready promise with the reply")
    func refusedGreeting() throws {
        let harness = try Harness()
        try harness.receive("421 4.3.2 busy\r\n")
        #expect(throws: SMTPClientError.unexpectedReply(.greeting, SMTPReply(code: .serviceNotAvailable,
                                                                              enhancedStatusCode: .notAcceptingMessages, text: "busy"))) {
            try harness.ready.futureResult.wait()
        }
        #expect(!harness.channel.isActive)
    }

    @Test("no reply in time: the message in flight fails as a timeout and the connection closes")
    func replyTimeout() throws {
        let harness = try Harness(replyTimeout: .seconds(5))
        try harness.receive("220 mx.test ESMTP\r\n" + Self.ehlo)
        _ = try harness.written()
        let delivery = harness.channel.eventLoop.makePromise(of: SMTPClientDelivery.self)
        harness.handler.send(Self.message, promise: delivery)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(4))
        #expect(harness.channel.isActive)
        harness.channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        let result = try delivery.futureResult.wait().result
        #expect(result.error == .timeout)
        #expect(result.recipients.map(\.disposition) == [.transientFailure])
        #expect(!harness.channel.isActive)
    }

    @Test("the server closing mid-transaction delivers the message as failed; later sends fail at once")
    func serverCloses() throws {
        let harness = try Harness()
        try harness.receive("220 mx.test ESMTP\r\n" + Self.ehlo)
        let delivery = harness.channel.eventLoop.makePromise(of: SMTPClientDelivery.self)
        harness.handler.send(Self.message, promise: delivery)
        try harness.channel.close().wait()
        #expect(try delivery.futureResult.wait().result.error == .connectionClosed)
        let late = harness.channel.eventLoop.makePromise(of: SMTPClientDelivery.self)
        harness.handler.send(Self.message, promise: late)
        #expect(throws: SMTPClientError.connectionClosed) { try late.futureResult.wait() }
    }

    struct FakeTLSError: Error, CustomStringConvertible {
        let description: String
    }

    @Test("TLS errors are reported by their reason names, without numbers and source paths")
    func tlsReason() {
        let stack = "handshakeFailed(sslError([Error: 268435581 error:1000007d:SSL routines:OPENSSL_internal:"
            + "CERTIFICATE_VERIFY_FAILED at /src/handshake.cc:412]))"
        #expect(SMTPClientHandler.tlsReason(FakeTLSError(description: stack)) == "CERTIFICATE_VERIFY_FAILED")
        #expect(SMTPClientHandler.tlsReason(FakeTLSError(description: "eof")) == "eof")
    }
}
