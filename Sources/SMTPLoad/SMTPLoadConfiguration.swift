import SMTPClient
import SMTPProtocol

/// What `envoi loadgen smtp` does: where, how many connections and messages, and how.
///
/// Every count and time is bounded: ``validate()`` refuses values past the limits below, and the
/// whole run stops at ``timeout`` whatever the server does.
public struct SMTPLoadConfiguration: Sendable {
    /// The server's host: a loopback address unless ``allowsRemoteTarget``.
    public var host: String
    /// The server's port.
    public var port: Int
    /// Concurrent connections; each sends its share of the messages back to back on one session.
    public var connections: Int
    /// Messages in total, spread evenly over the connections.
    public var messages: Int
    /// The size of each message in bytes, header section included.
    public var messageSize: Int
    /// Whether to require STARTTLS (RFC 3207).
    public var startTLS: Bool
    /// How the server's certificate is checked after STARTTLS.
    public var tlsVerification: SMTPClientTLSConfiguration.Verification
    /// Credentials for AUTH; sent only over TLS.
    public var credentials: SMTPClientCredentials?
    /// Whether to pipeline MAIL, RCPT and DATA when the server offers PIPELINING (RFC 2920).
    public var pipelining: Bool
    /// The envelope and header sender.
    public var sender: String
    /// The envelope and header recipient.
    public var recipient: String
    /// The whole run's time limit; connections still open then are closed.
    public var timeout: Duration
    /// Event-loop threads of the generator.
    public var threads: Int
    /// Whether a target outside 127.0.0.0/8 and ::1 is allowed. Off by default: a load generator
    /// pointed at someone else's server by a typo is an attack.
    public var allowsRemoteTarget: Bool

    /// The most connections one run may open.
    public static let maximumConnections = 10_000
    /// The most messages one run may send.
    public static let maximumMessages = 10_000_000
    /// The largest message one run may send (the default SIZE limit of Envoi is 10 MiB).
    public static let maximumMessageSize = 50 * 1024 * 1024
    /// The longest run.
    public static let maximumTimeout = Duration.seconds(86_400)

    /// A configuration with the defaults of the command line.
    public init(host: String = "127.0.0.1", port: Int, connections: Int = 1, messages: Int = 1,
                messageSize: Int = 2048, startTLS: Bool = false, tlsVerification: SMTPClientTLSConfiguration.Verification = .none,
                credentials: SMTPClientCredentials? = nil, pipelining: Bool = false,
                sender: String = "loadgen@envoi.test", recipient: String = "sink@envoi.test",
                timeout: Duration = .seconds(60), threads: Int = 2, allowsRemoteTarget: Bool = false) {
        self.host = host
        self.port = port
        self.connections = connections
        self.messages = messages
        self.messageSize = messageSize
        self.startTLS = startTLS
        self.tlsVerification = tlsVerification
        self.credentials = credentials
        self.pipelining = pipelining
        self.sender = sender
        self.recipient = recipient
        self.timeout = timeout
        self.threads = threads
        self.allowsRemoteTarget = allowsRemoteTarget
    }

    /// The first problem with these values, as a sentence for the command line; nil when none.
    public func validate() -> String? {
        if !allowsRemoteTarget && !LoopbackAddress.isLoopback(host) {
            return "--host \(host) is not a loopback address (127.0.0.0/8, ::1, localhost); pass --allow-remote to load another machine"
        }
        if !(1...65_535).contains(port) { return "--port must be 1...65535" }
        if !(1...Self.maximumConnections).contains(connections) { return "--connections must be 1...\(Self.maximumConnections)" }
        if !(1...Self.maximumMessages).contains(messages) { return "--messages must be 1...\(Self.maximumMessages)" }
        if !(1...Self.maximumMessageSize).contains(messageSize) { return "--size must be 1...\(Self.maximumMessageSize)" }
        if !(Duration.seconds(1)...Self.maximumTimeout).contains(timeout) { return "--timeout must be 1...86400 seconds" }
        if !(1...64).contains(threads) { return "--threads must be 1...64" }
        if credentials != nil && !startTLS { return "--auth needs --starttls: credentials are never sent in clear" }
        return nil
    }

    /// The client session's settings.
    var clientConfiguration: SMTPClientConfiguration {
        SMTPClientConfiguration(hostname: "loadgen.envoi.test", tlsPolicy: startTLS ? .required : .never,
                                credentials: credentials, usesPipelining: pipelining)
    }
}

/// Recognises the loopback addresses a load may be sent to without `--allow-remote`.
enum LoopbackAddress {
    /// True for `localhost`, 127.0.0.0/8 in dotted form and `::1`.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit) && Int(part)! <= 255
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
