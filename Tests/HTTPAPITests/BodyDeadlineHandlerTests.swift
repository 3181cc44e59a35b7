import HTTPTypes
@testable import HTTPAPI
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

/// The body deadline on an `EmbeddedChannel` (its clock moves by hand): a body that is not in
/// within the timeout of its head raises `BodyDeadlineExceeded` once; a body that ends in time,
/// or a request without one, raises nothing. The 408 it becomes is tested end to end in
/// Tests/integration/test_https_hostile.py (a trickling client over TLS).
@Suite struct BodyDeadlineHandlerTests {
    /// Records the errors that reach the end of the pipeline.
    final class ErrorRecorder: ChannelInboundHandler {
        typealias InboundIn = HTTPRequestPart
        var errors: [any Error] = []
        func errorCaught(context: ChannelHandlerContext, error: any Error) { errors.append(error) }
    }

    let channel = EmbeddedChannel()
    let recorder = ErrorRecorder()

    init() throws {
        try channel.pipeline.syncOperations.addHandlers([BodyDeadlineHandler(timeout: .seconds(3)), recorder])
    }

    static func head(_ fields: HTTPFields) -> HTTPRequestPart {
        .head(HTTPRequest(method: .post, scheme: "https", authority: "127.0.0.1", path: "/20220926/actions/submitEmail",
                          headerFields: fields))
    }

    func deadlines() -> [TimeAmount] { recorder.errors.compactMap { ($0 as? BodyDeadlineExceeded)?.timeout } }

    @Test func aBodyThatTricklesPastTheDeadlineIsCutOffOnce() throws {
        try channel.writeInbound(Self.head([.contentLength: "400"]))
        for _ in 0..<5 {  // a byte every half second: each one would restart an idle timer
            try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "x")))
            channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        }
        #expect(deadlines().isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(500))
        #expect(deadlines() == [.seconds(3)])
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(deadlines().count == 1)
    }

    @Test func aChunkedBodyHasTheSameDeadline() throws {
        try channel.writeInbound(Self.head([.transferEncoding: "chunked"]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        #expect(deadlines() == [.seconds(3)])
    }

    @Test func aBodyThatEndsInTimeRaisesNothingAndTheNextRequestGetsItsOwnDeadline() throws {
        try channel.writeInbound(Self.head([.contentLength: "1"]))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "x")))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2_900))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(deadlines().isEmpty)
        // The next request on the same connection starts its own three seconds.
        try channel.writeInbound(Self.head([.contentLength: "1"]))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(2_900))
        #expect(deadlines().isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(100))
        #expect(deadlines().count == 1)
    }

    @Test func aRequestWithoutABodyHasNoDeadline() throws {
        try channel.writeInbound(Self.head([:]))
        try channel.writeInbound(Self.head([.contentLength: "0"]))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(deadlines().isEmpty)
    }

    @Test func aClosedConnectionCancelsItsDeadline() throws {
        try channel.writeInbound(Self.head([.contentLength: "10"]))
        _ = try channel.finish()
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(deadlines().isEmpty)
    }

    @Test func everyPartIsPassedOnUnchanged() throws {
        try channel.writeInbound(Self.head([.contentLength: "1"]))
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "x")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == Self.head([.contentLength: "1"]))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .body(ByteBuffer(string: "x")))
        #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
    }
}
