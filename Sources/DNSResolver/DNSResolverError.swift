/// The one error type of `DNSResolver`: a lookup that produced no usable answer. A response
/// with NXDOMAIN or no records is not an error (it is a `DNSResponse`); a timeout, a refused
/// connection or a SERVFAIL is.
///
/// A struct over a private code, so that new cases never break callers.
public struct DNSResolverError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case timedOut(server: String, seconds: Int)
        case connectionRefused(server: String)
        case serverAnswered(server: String, DNSResponseCode)
        case noUsableAnswer(server: String, errno: Int32)
        case invalidName(String)
        case invalidServer(String)
        case resolverUnavailable
        case malformedResponse
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// No answer from `server` within `seconds` (public so that test doubles can fail like a resolver).
    public static func timedOut(server: String, seconds: Int) -> Self { Self(.timedOut(server: server, seconds: seconds)) }
    static func connectionRefused(server: String) -> Self { Self(.connectionRefused(server: server)) }
    static func serverAnswered(server: String, _ rcode: DNSResponseCode) -> Self { Self(.serverAnswered(server: server, rcode)) }
    static func noUsableAnswer(server: String, errno: Int32) -> Self { Self(.noUsableAnswer(server: server, errno: errno)) }
    static func invalidName(_ name: String) -> Self { Self(.invalidName(name)) }
    static func invalidServer(_ server: String) -> Self { Self(.invalidServer(server)) }
    static let resolverUnavailable = Self(.resolverUnavailable)
    static let malformedResponse = Self(.malformedResponse)

    /// True for failures that say nothing about the name (timeouts, refused connections,
    /// SERVFAIL): a caller keeps what it knew before instead of concluding the name is absent.
    public var isTransient: Bool {
        switch code {
        case .invalidName, .invalidServer: false
        default: true
        }
    }

    /// One line for logs, the CLI and `lifecycleDetails`.
    public var description: String {
        switch code {
        case .timedOut(let server, let seconds): "no answer from the DNS server \(server) within \(seconds) s (timed out)"
        case .connectionRefused(let server): "the DNS server \(server) refused the connection (is it running?)"
        case .serverAnswered(let server, let rcode): "the DNS server \(server) answered \(rcode)"
        case .noUsableAnswer(let server, let errno): "no usable answer from the DNS server \(server) (SERVFAIL, REFUSED or network error, errno \(errno))"
        case .invalidName(let name): "'\(name)' cannot be looked up: not a valid DNS name"
        case .invalidServer(let server): "dns.resolver: cannot use \(server) as a DNS server address"
        case .resolverUnavailable: "the system resolver could not be initialised (/etc/resolv.conf)"
        case .malformedResponse: "the DNS response could not be parsed"
        }
    }
}
