import CResolv
import Glibc
import Dispatch
import EnvoiCore

/// CNAME, TXT, MX, A and AAAA lookups against the system resolver (`/etc/resolv.conf`) or one
/// configured server (`dns.resolver = host:port`), for the DKIM checker and direct delivery.
///
/// Why glibc's resolver (`res_nmkquery`/`res_nsend`, `ns_initparse`/`ns_parserr`) rather than
/// c-ares or a hand-written wire format: it ships with libc6-dev, so the build needs no extra
/// package and the README's two commands need no install step before building; it reads
/// resolv.conf as every other program on the machine does; it implements the retransmission
/// rules of RFC 1035 §4.2.1 and the fallback to TCP when a UDP answer is truncated (TC bit,
/// RFC 7766 §5); and its parser bounds-checks every record. Its one drawback is that it blocks:
/// each lookup runs on a Dispatch worker thread with its own `res_state`, never on an event
/// loop or Swift's cooperative pool, and is bounded by `timeout × attempts`.
public struct DNSResolver: Sendable {
    /// Which server is asked.
    public enum Server: Sendable, Hashable {
        /// The name servers of `/etc/resolv.conf`, in its order.
        case system
        /// One server, IPv4 or IPv6, at a port (a host name is resolved first).
        case address(HostPort)
    }

    /// The server asked.
    public let server: Server
    /// Seconds to wait for each attempt.
    public let timeoutSeconds: Int
    /// How many times a query is sent before giving up.
    public let attempts: Int

    public init(server: Server = .system, timeoutSeconds: Int = 5, attempts: Int = 2) {
        self.server = server
        self.timeoutSeconds = max(1, timeoutSeconds)
        self.attempts = max(1, attempts)
    }

    /// The resolver `dns.resolver` and `dns.timeout` describe.
    public init(configuration: EnvoiConfiguration) {
        switch configuration.dnsResolver {
        case .system: self.init(server: .system, timeoutSeconds: configuration.dnsTimeoutSeconds)
        case .server(let hostPort): self.init(server: .address(hostPort), timeoutSeconds: configuration.dnsTimeoutSeconds)
        }
    }

    /// The server as messages name it.
    public var serverDescription: String {
        switch server {
        case .system: "of /etc/resolv.conf"
        case .address(let hostPort): hostPort.description
        }
    }

    /// Looks `name` up, off the caller's thread: the response (NXDOMAIN and empty answers
    /// included), or the reason none usable came.
    public func query(_ name: String, _ type: DNSRecordType) async throws(DNSResolverError) -> DNSResponse {
        let result: Result<DNSResponse, DNSResolverError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                do throws(DNSResolverError) {
                    continuation.resume(returning: .success(try queryBlocking(name, type)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// The same lookup on the calling thread, which it blocks for up to `timeout × attempts`
    /// seconds: for command-line tools only.
    public func queryBlocking(_ name: String, _ type: DNSRecordType) throws(DNSResolverError) -> DNSResponse {
        let normalized = DNSName.normalized(name)
        guard Self.isQueryable(normalized) else { throw .invalidName(name) }
        guard let state = envoi_res_open(Int32(timeoutSeconds), Int32(attempts)) else { throw .resolverUnavailable }
        defer { envoi_res_close(state) }
        if case .address(let hostPort) = server {
            try ServerAddress.resolve(hostPort) { address in envoi_res_use_server(state, address) == 0 }
        }
        var answer = [UInt8](repeating: 0, count: 65_535)
        var errorNumber: Int32 = 0
        let length = envoi_res_query(state, normalized, Int32(type.rawValue), &answer, Int32(answer.count), &errorNumber)
        if length == -2 { throw .invalidName(name) }
        guard length > 0 else {
            switch errorNumber {
            case ETIMEDOUT: throw .timedOut(server: serverDescription, seconds: timeoutSeconds * attempts)
            case ECONNREFUSED: throw .connectionRefused(server: serverDescription)
            default: throw .noUsableAnswer(server: serverDescription, errno: errorNumber)
            }
        }
        let response = try DNSMessageParser.parse(Array(answer.prefix(Int(length))))
        // NOERROR and NXDOMAIN say something about the name; anything else says the server
        // could not answer (RFC 1035 §4.1.1).
        guard response.code == .noError || response.code == .nameError else {
            throw .serverAnswered(server: serverDescription, response.code)
        }
        return response
    }

    /// A presentation-format name that can be put in a query: 1–253 octets of printable ASCII
    /// without spaces, labels of 1–63 octets (RFC 1035 §2.3.4). Underscores are allowed, as
    /// `_domainkey` needs (RFC 8552).
    static func isQueryable(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x5C }) else {
            return false
        }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { (1...63).contains($0.utf8.count) }
    }
}

/// The capability of asking DNS one question. Direct delivery depends on this rather than on
/// ``DNSResolver`` itself, so that its MX logic is tested against a table of answers.
public protocol DNSLookup: Sendable {
    /// The response to `name`/`type` (NXDOMAIN and empty answers included), or why none came.
    func query(_ name: String, _ type: DNSRecordType) async throws(DNSResolverError) -> DNSResponse
}

extension DNSResolver: DNSLookup {}

/// Turns `dns.resolver`'s `host:port` into a socket address for glibc's resolver.
enum ServerAddress {
    /// Resolves `hostPort` numerically when it is an address literal, through the system
    /// otherwise, and hands the first address to `use`, which returns false when it refuses it.
    static func resolve(_ hostPort: HostPort, _ use: (UnsafePointer<sockaddr>) -> Bool) throws(DNSResolverError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(hostPort.host, String(hostPort.port), &hints, &list) == 0, let first = list else {
            throw .invalidServer(hostPort.description)
        }
        defer { freeaddrinfo(list) }
        guard let address = first.pointee.ai_addr, use(address) else { throw .invalidServer(hostPort.description) }
    }
}
