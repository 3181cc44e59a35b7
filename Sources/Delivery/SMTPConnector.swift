import SMTPClient
import SMTPProtocol

/// One host to try for a destination: the relay host, or one address of one MX host.
public struct NextHop: Hashable, Sendable, CustomStringConvertible {
    /// The host's name: checked against its certificate and sent with SNI (an MX host name, or the
    /// relay host as configured).
    public var name: String
    /// What is connected to: an IP address, or the same name when DNS is left to the socket layer.
    public var address: String
    public var port: Int

    public init(name: String, address: String, port: Int) {
        self.name = name
        self.address = address
        self.port = port
    }

    /// `relay.example.net:587`, or Postfix's `mx1.example.org[192.0.2.25]:25` when the name
    /// was resolved: what events and suppressions name as the remote host.
    public var description: String {
        guard name == address else { return "\(name)[\(address)]:\(port)" }
        return address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    /// Connections are shared between deliveries to the same key: the same address, port and
    /// name (the name decides which certificate is accepted).
    var poolKey: String { "\(name)|\(address)|\(port)" }
}

/// An SMTP session that is set up (greeting, EHLO, STARTTLS, AUTH) and carries one message at a
/// time: an `SMTPClientConnection`, or a test double.
public protocol SMTPSession: Sendable {
    /// False once the server hung up.
    var isOpen: Bool { get }
    /// Sends one message; throws only when the session is already over.
    func deliver(_ message: SMTPClientMessage) async throws -> SMTPDeliveryResult
    /// Ends the session politely (QUIT).
    func quit() async
    /// Drops the connection.
    func close()
}

/// The capability of opening sessions to a host.
public protocol SMTPConnector: Sendable {
    /// A ready session with `hop`; throws the socket error or the `SMTPClientError` of the setup.
    func connect(to hop: NextHop) async throws -> any SMTPSession
}

extension SMTPClientConnection: SMTPSession {
    public func deliver(_ message: SMTPClientMessage) async throws -> SMTPDeliveryResult {
        try await send(message).result
    }
}

/// Opens real sessions with SwiftNIO: one client configuration and one TLS context (trust store
/// loaded once) for every host.
public struct NIOSMTPConnector: SMTPConnector {
    private let client: SMTPClientConfiguration
    private let tls: SMTPClientTLSConfiguration?
    private let timeouts: SMTPClientConnection.Timeouts

    /// - Throws: the TLS library's error when the trust roots cannot be loaded.
    public init(client: SMTPClientConfiguration, verification: SMTPClientTLSConfiguration.Verification,
                timeouts: SMTPClientConnection.Timeouts = .init()) throws {
        self.client = client
        self.tls = client.tlsPolicy == .never ? nil : try SMTPClientTLSConfiguration(verification: verification, host: "localhost")
        self.timeouts = timeouts
    }

    public func connect(to hop: NextHop) async throws -> any SMTPSession {
        try await SMTPClientConnection.connect(host: hop.address, port: hop.port, configuration: client,
                                               tls: tls?.forServer(hop.name), timeouts: timeouts)
    }
}
