import DNSResolver
import EnvoiCore
import SMTPClient
import SMTPProtocol

/// `delivery.mode = direct`: each recipient domain's mail goes to its own MX hosts, found through
/// DNS (``MailExchangerRouter``), over STARTTLS when offered or, with `require`, only over TLS.
///
/// Sessions are shared between messages to the same MX address (``SMTPConnectionPool``), and
/// the concurrency window of the scheduler is per recipient domain.
public struct DirectTransport: Transport {
    /// The settings `delivery.direct_*` and the pool's limits give.
    public struct Configuration: Sendable {
        /// Our name in EHLO (RFC 5321 §4.1.1.1).
        public var hostname: String
        /// `.opportunistic` (STARTTLS when offered, RFC 7435) or `.required`.
        public var tlsPolicy: SMTPClientConfiguration.TLSPolicy
        /// Check the MX host's certificate against the system roots and its name.
        public var verifyCertificate: Bool
        /// The port of every MX host: 25, or a test receiver's (`delivery.direct_port`).
        public var port: Int
        public var pool: SMTPConnectionPool<ContinuousClock>.Limits

        public init(hostname: String = "localhost", tlsPolicy: SMTPClientConfiguration.TLSPolicy = .opportunistic,
                    verifyCertificate: Bool = false, port: Int = 25, pool: SMTPConnectionPool<ContinuousClock>.Limits = .init()) {
            self.hostname = hostname
            self.tlsPolicy = tlsPolicy
            self.verifyCertificate = verifyCertificate
            self.port = port
            self.pool = pool
        }
    }

    private let router: MailExchangerRouter
    private let pool: SMTPConnectionPool<ContinuousClock>
    private let delivery: SMTPDelivery<ContinuousClock>

    /// A transport over real sockets that asks `lookup` for MX records.
    ///
    /// - Throws: the TLS library's error when the system trust roots cannot be loaded.
    public init(configuration: Configuration, lookup: any DNSLookup) throws {
        // Sessions are reused, so each transaction after the first is checked with RSET.
        let client = SMTPClientConfiguration(hostname: configuration.hostname, tlsPolicy: configuration.tlsPolicy,
                                             resetsBetweenMessages: true)
        let connector = try NIOSMTPConnector(client: client, verification: configuration.verifyCertificate ? .systemRoots : .none)
        self.init(router: MailExchangerRouter(lookup: lookup, port: configuration.port), connector: connector,
                  pool: SMTPConnectionPool(limits: configuration.pool, clock: ContinuousClock()), tlsPolicy: configuration.tlsPolicy)
    }

    /// A transport over any connector (tests use one that scripts sessions).
    public init(router: MailExchangerRouter, connector: any SMTPConnector, pool: SMTPConnectionPool<ContinuousClock>,
                tlsPolicy: SMTPClientConfiguration.TLSPolicy) {
        self.router = router
        self.pool = pool
        self.delivery = SMTPDelivery(connector: connector, pool: pool, tlsPolicy: tlsPolicy)
    }

    /// The recipient's domain: slow start is per receiving domain.
    public func destination(of recipient: String) -> String {
        SMTPDelivery<ContinuousClock>.domain(of: recipient)
    }

    public func deliver(_ message: [UInt8], job: DeliveryJob, recipients: [String], dkimSelector: String?) async -> TransportResult {
        let domain = recipients.first.map(destination(of:)) ?? ""
        switch await router.route(to: domain) {
        case .undeliverable(let outcome):
            // No host was asked: the domain's DNS is the source of the verdict.
            return .all(recipients, outcome, remoteHost: domain)
        case .hops(let hops):
            return await delivery.send(message, from: job.envelopeSender, to: recipients, hops: hops)
        }
    }

    public func maintain(until stop: @escaping @Sendable () -> Bool) async {
        await pool.run(until: stop)
    }
}
