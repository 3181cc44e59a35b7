import EnvoiCore
import NIOSSL
import SMTPProtocol

/// What the SMTP listeners need beyond the protocol: addresses, TLS, and the limits that protect
/// the server from its clients. Every limit is named and has a default (STYLE.md).
public struct SMTPListenerConfiguration: Sendable {
    /// The addresses to listen on (port 0 picks a free port).
    public var listen: [HostPort]
    /// The host name in the greeting and EHLO reply.
    public var hostname: String
    /// STARTTLS; nil leaves it out (then AUTH is impossible: BEHAVIOUR.md §1).
    public var tls: NIOSSLContext?
    /// Open connections allowed in all (`421 Too many connections, try again later` beyond).
    public var maximumConnections: Int
    /// Open connections allowed from one source address.
    public var maximumConnectionsPerAddress: Int
    /// Authentication or sender-authorisation failures one address may have within
    /// `authFailureWindow` before it gets `421 Too many auth failures, try again later`.
    public var authFailureLimit: Int
    public var authFailureWindow: Duration
    /// Idle time between commands and inside DATA before `421 Timeout waiting for data from client`.
    public var commandTimeout: Duration
    public var dataTimeout: Duration
    /// Recipients per message.
    public var maximumRecipients: Int
    /// How long sessions in DATA may take to finish when the server shuts down.
    public var shutdownGracePeriod: Duration

    public init(listen: [HostPort], hostname: String = "localhost", tls: NIOSSLContext?,
                maximumConnections: Int = 2_000, maximumConnectionsPerAddress: Int = 200,
                authFailureLimit: Int = 5, authFailureWindow: Duration = .seconds(300),
                commandTimeout: Duration = .seconds(300), dataTimeout: Duration = .seconds(180),
                maximumRecipients: Int = 100, shutdownGracePeriod: Duration = .seconds(30)) {
        self.listen = listen
        self.hostname = hostname
        self.tls = tls
        self.maximumConnections = maximumConnections
        self.maximumConnectionsPerAddress = maximumConnectionsPerAddress
        self.authFailureLimit = authFailureLimit
        self.authFailureWindow = authFailureWindow
        self.commandTimeout = commandTimeout
        self.dataTimeout = dataTimeout
        self.maximumRecipients = maximumRecipients
        self.shutdownGracePeriod = shutdownGracePeriod
    }

    /// The protocol configuration of one session, with the tenancy's current message size and
    /// the return-path domain when reports are taken.
    func sessionConfiguration(maximumMessageSize: Int, returnPathDomain: String? = nil) -> SMTPServerConfiguration {
        SMTPServerConfiguration(hostname: hostname, isTLSAvailable: tls != nil, maximumMessageSize: maximumMessageSize,
                                maximumRecipients: maximumRecipients, commandTimeout: commandTimeout, dataTimeout: dataTimeout,
                                returnPathDomain: returnPathDomain)
    }
}
