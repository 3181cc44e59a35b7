/// The effective configuration: a plain value with every key typed. Built by
/// `EnvoiConfiguration.resolve`, which applies flag > environment > file > default.
public struct EnvoiConfiguration: Sendable, Equatable {
    public var dataDirectory: String
    public var smtpListen: [HostPort]
    public var httpsListen: HostPort
    public var metricsListen: HostPort?
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    public var deliveryMode: DeliveryMode
    public var relayHost: HostPort?
    public var dnsResolver: DNSResolverSetting
    /// How long one DNS answer is waited for (`dns.timeout`).
    public var dnsTimeoutSeconds: Int
    /// The zone under which Envoi publishes DKIM TXT records (`dkim.publish_zone`).
    public var dkimPublishZone: DomainName
    /// Seconds between two periodic DKIM checks (`dkim.check_interval`).
    public var dkimCheckIntervalSeconds: Int
    /// The domain customers' SPF records include (`spf.include`).
    public var spfInclude: DomainName

    /// Builds the typed value from checked text values keyed by path.
    init(values: [String: String]) {
        func value(_ key: ConfigurationKey) -> String { values[key.path] ?? key.defaultValue }
        func optional(_ key: ConfigurationKey) -> String? { value(key).isEmpty ? nil : value(key) }
        dataDirectory = value(.dataDirectory)
        smtpListen = value(.smtpListen).split(separator: ",").compactMap { HostPort(parsing: String($0)) }
        httpsListen = HostPort(parsing: value(.httpsListen))!
        metricsListen = optional(.metricsListen).flatMap(HostPort.init(parsing:))
        tlsCertificatePath = optional(.tlsCertificate)
        tlsKeyPath = optional(.tlsKey)
        deliveryMode = DeliveryMode(rawValue: value(.deliveryMode))!
        relayHost = optional(.deliveryRelayHost).flatMap(HostPort.init(parsing:))
        let resolver = value(.dnsResolver)
        dnsResolver = resolver == "system" ? .system : .server(HostPort(parsing: resolver)!)
        dnsTimeoutSeconds = Int(value(.dnsTimeout))!
        dkimPublishZone = DomainName(value(.dkimPublishZone))!
        dkimCheckIntervalSeconds = Int(value(.dkimCheckInterval))!
        spfInclude = DomainName(value(.spfInclude))!
    }
}

/// How accepted mail leaves Envoi.
public enum DeliveryMode: String, Sendable, CaseIterable {
    case capture, relay, direct
}

/// Which DNS resolver Envoi asks.
public enum DNSResolverSetting: Sendable, Equatable {
    case system
    case server(HostPort)
}
