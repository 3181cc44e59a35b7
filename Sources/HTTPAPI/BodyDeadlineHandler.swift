import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// The request body did not arrive in full within `timeout` of its head.
struct BodyDeadlineExceeded: Error {
    let timeout: TimeAmount
}

/// Gives each request body a deadline: once a head that declares a body is in, the whole body
/// must follow within `timeout`, or `BodyDeadlineExceeded` goes up the pipeline and the body
/// stream the route is reading throws it (the route answers 408 and closes). The idle timeout
/// restarts with every chunk, so without this a client trickling a byte at a time (Slowloris)
/// would hold the connection and its buffer forever.
///
/// One timer on the connection's own event loop per request with a body: no task, no thread
/// hop, nothing scheduled for requests without a body.
final class BodyDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var deadline: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            cancel()
            if Self.declaresBody(head.headerFields) {
                let timeout = timeout
                deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                    context.fireErrorCaught(BodyDeadlineExceeded(timeout: timeout))
                }
            }
        case .body:
            break
        case .end:
            cancel()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
    }

    /// Whether a body follows the head: a Content-Length other than 0, or a Transfer-Encoding.
    static func declaresBody(_ fields: HTTPFields) -> Bool {
        if let length = fields[.contentLength] { return length != "0" }
        return fields[.transferEncoding] != nil
    }
}
