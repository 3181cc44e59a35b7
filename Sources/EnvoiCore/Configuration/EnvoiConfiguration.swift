/// The effective configuration: a plain value with every key typed. Built by
/// `EnvoiConfiguration.resolve`, which applies flag > environment > file > default.
public struct EnvoiConfiguration: Sendable, Equatable {
    public var dataDirectory: String
    /// The shared PostgreSQL store (`database`), or nil for the SQLite database in the data directory.
    public var database: DatabaseURL?
    /// `node.name`, or nil for the host name.
    public var nodeName: String?
    public var smtpListen: [HostPort]
    public var httpsListen: HostPort
    /// Requests per second one API key may make (`https.requests_per_second`).
    public var httpsRequestsPerSecond: Int
    /// Seconds a request body may take to arrive (`https.body_timeout`).
    public var httpsBodyTimeout: Int
    public var metricsListen: HostPort?
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var deliveryMode: DeliveryMode
    public var relayHost: HostPort?
    public var dnsResolver: DNSResolverSetting
    public var smtp: SMTPSettings
    public var delivery: DeliverySettings
    /// `limits.enforce`.
    public var enforcesLimits: Bool

    /// How accepted mail leaves: relay settings and the retry schedule (seconds).
    public struct DeliverySettings: Sendable, Equatable {
        public var relayTLS: String
        public var relayCAFile: String?
        public var relayVerify: Bool
        public var relayUsername: String?
        public var relayPassword: String?
        public var retryInitial: Int
        public var retryFactor: Int
        public var maxAge: Int
        public var workers: Int
        public var hold: Bool
        /// `delivery.return_path_domain`, lower-cased; nil when VERP and the report door are off.
        public var returnPathDomain: String?
        /// `delivery.soft_bounce_limit`.
        public var softBounceLimit: Int
        /// Seconds a claimed delivery stays leased (`delivery.lease`).
        public var lease: Int
        /// `delivery.direct_tls = require`.
        public var directTLSRequired: Bool
        public var directVerify: Bool
        public var directPort: Int
        /// Messages per SMTP connection (`delivery.connection_reuse_limit`).
        public var connectionReuseLimit: Int
        /// Seconds an idle SMTP connection is kept (`delivery.connection_idle_time`).
        public var connectionIdleTime: Int
    }

    /// The SMTP listeners' named limits (seconds for times).
    public struct SMTPSettings: Sendable, Equatable {
        public var hostname: String
        public var maximumConnections: Int
        public var maximumConnectionsPerIP: Int
        public var authFailureLimit: Int
        public var authFailureWindow: Int
        public var commandTimeout: Int
        public var dataTimeout: Int
        public var maximumRecipients: Int
        public var shutdownGrace: Int
    }
    /// How long one DNS answer is waited for (`dns.timeout`).
    public var dnsTimeoutSeconds: Int
    /// The zone under which Envoi publishes DKIM TXT records (`dkim.publish_zone`).
    public var dkimPublishZone: DomainName
    /// Seconds between two periodic DKIM checks (`dkim.check_interval`).
    public var dkimCheckIntervalSeconds: Int
    /// The domain customers' SPF records include (`spf.include`).
    public var spfInclude: DomainName

    /// The least severe log level `serve` writes (`log.level`).
    public var logLevel: LogLevel

    /// Builds the typed value from checked text values keyed by path.
    init(values: [String: String]) {
        func value(_ key: ConfigurationKey) -> String { values[key.path] ?? key.defaultValue }
        func optional(_ key: ConfigurationKey) -> String? { value(key).isEmpty ? nil : value(key) }
        dataDirectory = value(.dataDirectory)
        database = optional(.database).flatMap { try? DatabaseURL.parse($0).get() }
        nodeName = optional(.nodeName)
        smtpListen = value(.smtpListen).split(separator: ",").compactMap { HostPort(parsing: String($0)) }
        httpsListen = HostPort(parsing: value(.httpsListen))!
        httpsRequestsPerSecond = Int(value(.httpsRequestsPerSecond))!
        httpsBodyTimeout = Int(value(.httpsBodyTimeout))!
        metricsListen = optional(.metricsListen).flatMap(HostPort.init(parsing:))
        tlsCertificatePath = optional(.tlsCertificate)
        tlsKeyPath = optional(.tlsKey)
        deliveryMode = DeliveryMode(rawValue: value(.deliveryMode))!
        relayHost = optional(.deliveryRelayHost).flatMap(HostPort.init(parsing:))
        let resolver = value(.dnsResolver)
        dnsResolver = resolver == "system" ? .system : .server(HostPort(parsing: resolver)!)
        func number(_ key: ConfigurationKey) -> Int { Int(value(key))! }
        smtp = SMTPSettings(hostname: value(.smtpHostname), maximumConnections: number(.smtpMaxConnections),
                            maximumConnectionsPerIP: number(.smtpMaxConnectionsPerIP), authFailureLimit: number(.smtpAuthFailureLimit),
                            authFailureWindow: number(.smtpAuthFailureWindow), commandTimeout: number(.smtpCommandTimeout),
                            dataTimeout: number(.smtpDataTimeout), maximumRecipients: number(.smtpMaxRecipients),
                            shutdownGrace: number(.smtpShutdownGrace))
        enforcesLimits = value(.limitsEnforce) == "true"
        delivery = DeliverySettings(relayTLS: value(.deliveryRelayTLS), relayCAFile: optional(.deliveryRelayCAFile),
                                    relayVerify: value(.deliveryRelayVerify) == "true", relayUsername: optional(.deliveryRelayUsername),
                                    relayPassword: optional(.deliveryRelayPassword), retryInitial: number(.deliveryRetryInitial),
                                    retryFactor: number(.deliveryRetryFactor), maxAge: number(.deliveryMaxAge), workers: number(.deliveryWorkers),
                                    hold: value(.deliveryHold) == "true",
                                    returnPathDomain: optional(.deliveryReturnPathDomain)?.lowercased(),
                                    softBounceLimit: number(.deliverySoftBounceLimit), lease: number(.deliveryLease),
                                    directTLSRequired: value(.deliveryDirectTLS) == "require",
                                    directVerify: value(.deliveryDirectVerify) == "true", directPort: number(.deliveryDirectPort),
                                    connectionReuseLimit: number(.deliveryConnectionReuseLimit),
                                    connectionIdleTime: number(.deliveryConnectionIdleTime))
        dnsTimeoutSeconds = Int(value(.dnsTimeout))!
        dkimPublishZone = DomainName(value(.dkimPublishZone))!
        dkimCheckIntervalSeconds = Int(value(.dkimCheckInterval))!
        spfInclude = DomainName(value(.spfInclude))!
        logLevel = LogLevel(rawValue: value(.logLevel))!
    }
}

/// How accepted mail leaves Envoi.
public enum DeliveryMode: String, Sendable, CaseIterable {
    case capture, relay, direct
}

/// The severities of swift-log, by name (EnvoiCore does not depend on swift-log; the executable
/// maps each case to `Logger.Level`).
public enum LogLevel: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// Which DNS resolver Envoi asks.
public enum DNSResolverSetting: Sendable, Equatable {
    case system
    case server(HostPort)
}
