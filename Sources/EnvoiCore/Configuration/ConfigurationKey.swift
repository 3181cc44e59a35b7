import Foundation

/// Every configuration key, its default and meaning: the single list that the file reader, the
/// environment (`ENVOI_<SECTION>_<KEY>`), `--set section.key=value` flags, `envoi config show`
/// and `assets/envoi.toml` all follow.
public struct ConfigurationKey: Sendable {
    /// The section, or nil for a top-level key.
    public let section: String?
    public let name: String
    /// The default as text (`dataDirectory` is computed from the environment).
    public let defaultValue: String
    /// One line saying what the key means.
    public let summary: String
    let check: @Sendable (String) -> String?

    /// `section.name`, the name used in files, flags and messages.
    public var path: String { section.map { "\($0).\(name)" } ?? name }

    /// `ENVOI_SECTION_NAME`.
    public var environmentName: String {
        "ENVOI_" + path.uppercased().replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// Returns nil when `value` is acceptable, or the problem.
    public func problem(with value: String) -> String? { check(value) }

    public static let dataDirectory = ConfigurationKey(
        section: nil, name: "data_dir", defaultValue: "",
        summary: "Directory holding the database, the master key and the TLS certificate (default: $XDG_DATA_HOME/envoi or ~/.local/share/envoi).",
        check: { $0.isEmpty ? "must not be empty" : nil })
    /// Checked in full here (not when the store connects), so that a malformed URL is a
    /// configuration error naming the key; the message never quotes the password.
    public static let database = ConfigurationKey(
        section: nil, name: "database", defaultValue: "",
        summary: "The store: empty for the SQLite database in the data directory, or postgres://user:password@host:port/database, shared by several nodes (each with the same master key).",
        check: { value in
            guard !value.isEmpty else { return nil }
            if case .failure(let problem) = DatabaseURL.parse(value) { return problem.description }
            return nil
        })
    /// Names the node in the leases it takes on a shared database, so that a restarting node
    /// frees only its own; must stay the same across restarts and differ between nodes.
    public static let nodeName = ConfigurationKey(
        section: "node", name: "name", defaultValue: "",
        summary: "This node's name among those sharing a PostgreSQL database (default: the host name); unique per node, stable across restarts.",
        check: { value in
            guard value.utf8.count <= 64, value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                return "expected at most 64 printable ASCII characters without spaces"
            }
            return nil
        })
    public static let smtpListen = ConfigurationKey(
        section: "smtp", name: "listen", defaultValue: "127.0.0.1:2525,127.0.0.1:2587",
        summary: "SMTP submission listeners, a list of host:port (port 0 picks a free port).",
        check: listCheck)
    public static let httpsListen = ConfigurationKey(
        section: "https", name: "listen", defaultValue: "127.0.0.1:8443",
        summary: "HTTPS API listener, host:port.",
        check: { HostPort(parsing: $0) == nil ? "expected host:port" : nil })
    public static let httpsRequestsPerSecond = count("https", "requests_per_second", 100,
        "Requests per second one API key may make (burst: the same number); beyond: 429 TooManyRequests.")
    public static let httpsBodyTimeout = count("https", "body_timeout", 30,
        "Seconds a request body may take to arrive in full (a slow-body client gets 408 RequestTimeout and is disconnected).")
    public static let metricsListen = ConfigurationKey(
        section: "metrics", name: "listen", defaultValue: "",
        summary: "Prometheus /metrics listener, host:port; empty turns it off.",
        check: { $0.isEmpty || HostPort(parsing: $0) != nil ? nil : "expected host:port or empty" })
    public static let tlsCertificate = ConfigurationKey(
        section: "tls", name: "certificate", defaultValue: "",
        summary: "PEM certificate chain for STARTTLS and HTTPS; empty uses the self-signed one `envoi init` made in the data directory.",
        check: { _ in nil })
    public static let tlsKey = ConfigurationKey(
        section: "tls", name: "key", defaultValue: "",
        summary: "PEM private key for tls.certificate; empty uses the one `envoi init` made.",
        check: { _ in nil })
    public static let deliveryMode = ConfigurationKey(
        section: "delivery", name: "mode", defaultValue: "capture",
        summary: "capture (keep signed messages in a local mailbox), relay (send through delivery.relay_host) or direct (MX lookup).",
        check: { DeliveryMode(rawValue: $0) == nil ? "expected capture, relay or direct" : nil })
    public static let deliveryRelayHost = ConfigurationKey(
        section: "delivery", name: "relay_host", defaultValue: "",
        summary: "Smarthost host:port for delivery.mode = relay.",
        check: { $0.isEmpty || HostPort(parsing: $0) != nil ? nil : "expected host:port or empty" })
    public static let dnsResolver = ConfigurationKey(
        section: "dns", name: "resolver", defaultValue: "system",
        summary: "DNS resolver for DKIM checks and direct delivery: system (/etc/resolv.conf) or host:port.",
        check: { $0 == "system" || HostPort(parsing: $0) != nil ? nil : "expected system or host:port" })
    public static let dnsTimeout = ConfigurationKey(
        section: "dns", name: "timeout", defaultValue: "5",
        summary: "Seconds to wait for one DNS answer (1-30); a lookup tries twice before it fails.",
        check: { Int($0).map { (1...30).contains($0) } == true ? nil : "expected whole seconds from 1 to 30" })
    public static let dkimPublishZone = ConfigurationKey(
        section: "dkim", name: "publish_zone", defaultValue: "dkim.envoi.invalid",
        summary: "DNS zone where Envoi's DKIM TXT records are published (`envoi dkim zone`); customers' CNAMEs point into it.",
        check: { DomainName($0)?.isFullyQualified == true ? nil : "expected a domain name such as dkim.mail.example.net" })
    public static let dkimCheckInterval = ConfigurationKey(
        section: "dkim", name: "check_interval", defaultValue: "900",
        summary: "Seconds between two DNS checks of every DKIM key by the server (60-86400).",
        check: { Int($0).map { (1...86_400).contains($0) } == true ? nil : "expected whole seconds from 1 to 86400" })
    public static let spfInclude = ConfigurationKey(
        section: "spf", name: "include", defaultValue: "spf.envoi.invalid",
        summary: "The domain customers' SPF records include for Envoi's servers; a domain whose SPF record has include:<it> gets isSpf.",
        check: { DomainName($0)?.isFullyQualified == true ? nil : "expected a domain name such as spf.mail.example.net" })

    public static let smtpHostname = ConfigurationKey(
        section: "smtp", name: "hostname", defaultValue: "localhost",
        summary: "Host name in the SMTP greeting and EHLO reply.",
        check: { DomainName($0) == nil ? "expected a host name" : nil })
    public static let smtpMaxConnections = count("smtp", "max_connections", 2_000,
        "Open SMTP connections allowed in all; beyond: 421 Too many connections, try again later.")
    public static let smtpMaxConnectionsPerIP = count("smtp", "max_connections_per_ip", 200,
        "Open SMTP connections allowed from one source address.")
    public static let smtpAuthFailureLimit = count("smtp", "auth_failure_limit", 5,
        "Failed AUTHs or unapproved senders one address may have within auth_failure_window before 421 Too many auth failures.")
    public static let smtpAuthFailureWindow = count("smtp", "auth_failure_window", 300,
        "The auth-failure throttle's window, in seconds.")
    public static let smtpCommandTimeout = count("smtp", "command_timeout", 300,
        "Seconds a client may stay silent between commands before 421 Timeout waiting for data from client.")
    public static let smtpDataTimeout = count("smtp", "data_timeout", 180,
        "Seconds a client may stay silent inside DATA before the same 421.")
    public static let smtpMaxRecipients = count("smtp", "max_recipients", 100,
        "Recipients per message (RCPT TO beyond: 452 4.5.3 Too many recipients).")
    public static let smtpShutdownGrace = count("smtp", "shutdown_grace", 30,
        "Seconds sessions in DATA may take to finish when the server stops (SIGTERM, SIGINT).")

    public static let deliveryRelayTLS = ConfigurationKey(
        section: "delivery", name: "relay_tls", defaultValue: "require",
        summary: "TLS toward the relay host: require (STARTTLS or no delivery), opportunistic (when offered) or none.",
        check: { ["require", "opportunistic", "none"].contains($0) ? nil : "expected require, opportunistic or none" })
    public static let deliveryRelayCAFile = ConfigurationKey(
        section: "delivery", name: "relay_ca_file", defaultValue: "",
        summary: "PEM file of CAs trusted for the relay host's certificate; empty trusts the system's.",
        check: { _ in nil })
    public static let deliveryRelayVerify = ConfigurationKey(
        section: "delivery", name: "relay_verify", defaultValue: "true",
        summary: "Verify the relay host's certificate (true or false).",
        check: { ["true", "false"].contains($0) ? nil : "expected true or false" })
    public static let deliveryRelayUsername = ConfigurationKey(
        section: "delivery", name: "relay_username", defaultValue: "",
        summary: "AUTH username at the relay host; empty sends without AUTH.",
        check: { _ in nil })
    public static let deliveryRelayPassword = ConfigurationKey(
        section: "delivery", name: "relay_password", defaultValue: "",
        summary: "AUTH password at the relay host (keep the file mode 0600; never printed by config show).",
        check: { _ in nil })
    public static let deliveryRetryInitial = count("delivery", "retry_initial", 300,
        "Seconds before the first retry of a deferred recipient; each further delay is retry_factor times the previous.")
    public static let deliveryRetryFactor = count("delivery", "retry_factor", 2,
        "Growth factor of the retry delay (a whole number; 1 retries at a fixed interval).")
    public static let deliveryMaxAge = count("delivery", "max_age", 259_200,
        "Seconds a message may stay in the queue before its deferred recipients bounce as expired (3 days).")
    public static let deliveryWorkers = count("delivery", "workers", 8,
        "Deliveries in flight at once in this process (each destination also has its own slow-start window).")

    public static let deliveryDirectTLS = ConfigurationKey(
        section: "delivery", name: "direct_tls", defaultValue: "opportunistic",
        summary: "TLS toward MX hosts in direct mode: opportunistic (STARTTLS when offered) or require (no TLS: deferred, next MX tried).",
        check: { ["opportunistic", "require"].contains($0) ? nil : "expected opportunistic or require" })
    public static let deliveryDirectVerify = ConfigurationKey(
        section: "delivery", name: "direct_verify", defaultValue: "false",
        summary: "Verify MX hosts' certificates against the system roots and the MX name (false: encrypt without authenticating, RFC 7435).",
        check: { ["true", "false"].contains($0) ? nil : "expected true or false" })
    public static let deliveryDirectPort = ConfigurationKey(
        section: "delivery", name: "direct_port", defaultValue: "25",
        summary: "Port of every MX host in direct mode; change it only for tests (a receiver on 127.0.0.x:PORT).",
        check: { Int($0).map { (1...65_535).contains($0) } == true ? nil : "expected a port from 1 to 65535" })
    public static let deliveryConnectionReuseLimit = count("delivery", "connection_reuse_limit", 100,
        "Messages one SMTP connection to a relay or MX host carries before it is closed (1: no reuse).")
    public static let deliveryConnectionIdleTime = count("delivery", "connection_idle_time", 5,
        "Seconds an SMTP connection waits, idle, for the next message to the same host before QUIT.")

    public static let deliveryHold = ConfigurationKey(
        section: "delivery", name: "hold", defaultValue: "false",
        summary: "Hold the queue: accept and commit mail but deliver nothing until restarted with false (as Postfix's defer_transports).",
        check: { ["true", "false"].contains($0) ? nil : "expected true or false" })
    public static let deliveryReturnPathDomain = ConfigurationKey(
        section: "delivery", name: "return_path_domain", defaultValue: "",
        summary: "VERP return-path domain: mail leaves as bounces+<token>@<it>, and the SMTP listener takes bounces (RFC 3464) and complaints (RFC 5965) to it without AUTH; empty turns both off.",
        check: { $0.isEmpty || DomainName($0)?.isFullyQualified == true ? nil : "expected a domain name such as bounces.mail.example.net, or empty" })
    public static let deliveryLease = count("delivery", "lease", 600,
        "Seconds a claimed delivery stays leased to the node that claimed it; if the node dies, the message is tried again (by any node sharing the database) once the lease expires.")
    public static let deliverySoftBounceLimit = count("delivery", "soft_bounce_limit", ControlPlaneDefaults.softBounceLimit,
        "Soft bounces in a row (expired after retries, or a 4.x.x failure report) that put a recipient on the suppression list as SOFTBOUNCE.")
    public static let limitsEnforce = ConfigurationKey(
        section: "limits", name: "enforce", defaultValue: "true",
        summary: "Enforce the tenancy's send limits (true); false only counts usage (to measure what enforcing costs).",
        check: { ["true", "false"].contains($0) ? nil : "expected true or false" })

    public static let logLevel = ConfigurationKey(
        section: "log", name: "level", defaultValue: LogLevel.info.rawValue,
        summary: "Least severe log messages `serve` writes to standard error: trace, debug, info, notice, warning, error or critical.",
        check: { LogLevel(rawValue: $0) == nil ? "expected one of " + LogLevel.allCases.map(\.rawValue).joined(separator: ", ") : nil })

    /// All keys, in the order `config show` and the annotated file list them.
    public static let all: [ConfigurationKey] = [
        dataDirectory, database, nodeName, smtpListen, smtpHostname, smtpMaxConnections, smtpMaxConnectionsPerIP, smtpAuthFailureLimit,
        smtpAuthFailureWindow, smtpCommandTimeout, smtpDataTimeout, smtpMaxRecipients, smtpShutdownGrace,
        httpsListen, httpsRequestsPerSecond, httpsBodyTimeout, metricsListen, tlsCertificate, tlsKey, deliveryMode, deliveryRelayHost, deliveryRelayTLS,
        deliveryRelayCAFile, deliveryRelayVerify, deliveryRelayUsername, deliveryRelayPassword, deliveryRetryInitial,
        deliveryRetryFactor, deliveryMaxAge, deliveryWorkers, deliveryDirectTLS, deliveryDirectVerify, deliveryDirectPort,
        deliveryConnectionReuseLimit, deliveryConnectionIdleTime, deliveryHold, deliveryReturnPathDomain, deliverySoftBounceLimit, deliveryLease,
        limitsEnforce, dnsResolver, dnsTimeout, dkimPublishZone,
        dkimCheckInterval, spfInclude, logLevel,
    ]

    /// Keys whose values are secrets: `config show` prints `***` for them.
    public var isSecret: Bool { path == ConfigurationKey.deliveryRelayPassword.path }

    /// `value` as it may be shown (`config show`, error messages): a secret as `***`, the
    /// database URL with its password masked.
    public func displayValue(_ value: String) -> String {
        if isSecret { return value.isEmpty ? value : "***" }
        if path == ConfigurationKey.database.path { return DatabaseURL.masking(value) }
        return value
    }

    /// A whole number of at least 1.
    private static func count(_ section: String, _ name: String, _ value: Int, _ summary: String) -> ConfigurationKey {
        ConfigurationKey(section: section, name: name, defaultValue: String(value), summary: summary,
                         check: { Int($0).map { $0 >= 1 && $0 <= 100_000_000 } == true ? nil : "expected a whole number from 1 to 100000000" })
    }

    /// The key at `path`, if any.
    public static func named(_ path: String) -> ConfigurationKey? { all.first { $0.path == path } }

    private static let listCheck: @Sendable (String) -> String? = { value in
        let items = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty else { return "expected at least one host:port" }
        return items.first { HostPort(parsing: $0) == nil }.map { "'\($0)' is not host:port" }
    }
}
