import EnvoiCore
import SMTPClient
import SMTPProtocol

/// `delivery.mode = relay`: every message goes to one smarthost, over STARTTLS (required or
/// opportunistic) with AUTH PLAIN/LOGIN when credentials are configured. Sessions are reused
/// between messages (``SMTPConnectionPool``), with RSET before each transaction after the first.
public struct RelayTransport: Transport {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var tlsPolicy: SMTPClientConfiguration.TLSPolicy
        /// PEM file of the relay's CA; nil trusts the system roots.
        public var caFile: String?
        public var verifyCertificate: Bool
        public var credentials: SMTPClientCredentials?
        /// Our name in EHLO.
        public var hostname: String
        public var pool: SMTPConnectionPool<ContinuousClock>.Limits

        public init(host: String, port: Int, tlsPolicy: SMTPClientConfiguration.TLSPolicy = .opportunistic, caFile: String? = nil,
                    verifyCertificate: Bool = true, credentials: SMTPClientCredentials? = nil, hostname: String = "localhost",
                    pool: SMTPConnectionPool<ContinuousClock>.Limits = .init()) {
            self.host = host
            self.port = port
            self.tlsPolicy = tlsPolicy
            self.caFile = caFile
            self.verifyCertificate = verifyCertificate
            self.credentials = credentials
            self.hostname = hostname
            self.pool = pool
        }
    }

    private let hop: NextHop
    private let pool: SMTPConnectionPool<ContinuousClock>
    private let delivery: SMTPDelivery<ContinuousClock>

    /// - Throws: the TLS library's error when the trust roots cannot be loaded.
    public init(configuration: Configuration) throws {
        let client = SMTPClientConfiguration(hostname: configuration.hostname, tlsPolicy: configuration.tlsPolicy,
                                             credentials: configuration.credentials, resetsBetweenMessages: true)
        let verification: SMTPClientTLSConfiguration.Verification = !configuration.verifyCertificate ? .none
            : configuration.caFile.map { .trustRootsFile($0) } ?? .systemRoots
        hop = NextHop(name: configuration.host, address: configuration.host, port: configuration.port)
        pool = SMTPConnectionPool(limits: configuration.pool, clock: ContinuousClock())
        delivery = SMTPDelivery(connector: try NIOSMTPConnector(client: client, verification: verification), pool: pool,
                                tlsPolicy: configuration.tlsPolicy)
    }

    public func destination(of recipient: String) -> String { hop.description }

    public func deliver(_ message: [UInt8], job: DeliveryJob, recipients: [String], dkimSelector: String?) async -> TransportResult {
        await delivery.send(message, from: job.envelopeSender, to: recipients, hops: [hop])
    }

    public func maintain(until stop: @escaping @Sendable () -> Bool) async {
        await pool.run(until: stop)
    }
}
