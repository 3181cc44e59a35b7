import ArgumentParser
import Bounces
import Delivery
import DkimService
import DNSResolver
import EnvoiCore
import EnvoiIntake
import EnvoiStore
import Foundation
import HTTPAPI
import Logging
import MetricsEndpoint
import NIOCore
import NIOSSL
import Prometheus
import ServiceLifecycle
import SMTPProtocol
import SMTPServer

/// `envoi serve`: the data planes, headless, until SIGTERM or SIGINT (graceful: stop accepting,
/// let sessions in DATA finish, flush the queue writer, exit 0).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the SMTP and HTTPS data planes and the HTTPS control plane (headless).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.resolve().configuration
        LogBootstrap.install(level: configuration.logLevel)
        let runtime = try Runtime(configuration: configuration)
        try await runtime.run()
    }
}

/// Everything `serve` and `console` run in one process, as one `ServiceGroup` ordered so that
/// shutdown stops intake first and drains the queue writer last.
struct Runtime {
    let configuration: EnvoiConfiguration
    let store: RuntimeStore
    let intake: StoreMessageIntake
    let smtp: SMTPServer
    let statistics: ServiceStatistics
    let feed: StatisticsFeed
    let metrics: MetricsEndpoint?
    let delivery: DeliveryScheduler
    let https: HTTPAPIServer
    let logger: Logger

    /// - Parameter announce: where the "… listening on …" lines go (standard output for `serve`;
    ///   the console's log file, since the console owns the terminal).
    init(configuration: EnvoiConfiguration, announce: @escaping @Sendable (String) -> Void = Runtime.announce) throws {
        self.configuration = configuration
        let directory = try configuration.nodeDataDirectory()
        var logger = Logger(label: "envoi")
        logger.logLevel = Logger.Level(configuration.logLevel)
        self.logger = logger
        let registry = PrometheusCollectorRegistry()
        statistics = ServiceStatistics(factory: PrometheusMetricsFactory(registry: registry))
        let store = if let url = configuration.database {
            try RuntimeStore.postgres(url, configuration, directory: directory, statistics: statistics, logger: logger)
        } else {
            try RuntimeStore.sqlite(configuration, directory: directory, statistics: statistics)
        }
        self.store = store
        // VERP and the report door go together: both on when delivery.return_path_domain is set.
        let returnPath = try configuration.delivery.returnPathDomain.map {
            ReturnPath(domain: $0, masterKey: try directory.loadMasterKey())
        }
        let intake = StoreMessageIntake(store: store.intake, limits: store.initialLimits, hostname: configuration.smtp.hostname,
                                        statistics: statistics)
        self.intake = intake
        let feed = StatisticsFeed(usage: store.usage, statistics: statistics, limits: { intake.currentLimits() }, now: store.now)
        self.feed = feed
        metrics = configuration.metricsListen.map { address in
            MetricsEndpoint(address: address, registry: registry, refresh: { _ = feed.snapshot() }) { bound in
                announce("metrics listening on \(bound.hostPort)")
            }
        }
        let tlsFiles = try TLSFiles(configuration: configuration, directory: directory)
        let tls = try tlsFiles.serverContext()
        let settings = configuration.smtp
        let listener = SMTPListenerConfiguration(
            listen: configuration.smtpListen, hostname: settings.hostname, tls: tls,
            maximumConnections: settings.maximumConnections, maximumConnectionsPerAddress: settings.maximumConnectionsPerIP,
            authFailureLimit: settings.authFailureLimit, authFailureWindow: .seconds(settings.authFailureWindow),
            commandTimeout: .seconds(settings.commandTimeout), dataTimeout: .seconds(settings.dataTimeout),
            maximumRecipients: settings.maximumRecipients, shutdownGracePeriod: .seconds(settings.shutdownGrace))
        let transport = try Self.transport(configuration, queue: store.queue)
        delivery = DeliveryScheduler(store: store.queue,
                                     transport: returnPath.map { ReturnPathTransport(wrapping: transport, returnPath: $0) as any Transport } ?? transport,
                                     configuration: Self.deliveryConfiguration(configuration.delivery),
                                     statistics: statistics, logger: logger)
        let smtpBound = BoundAddress(configuration.smtpListen.first?.description ?? "")
        let reports = returnPath.map { StoreReportIntake(store: store.reports, returnPath: $0) }
        smtp = SMTPServer(configuration: listener, intake: intake, reports: reports, statistics: statistics, logger: logger) { address in
            smtpBound.set(address.hostPort)
            announce("smtp listening on \(address.hostPort)")
        }
        let api = HTTPAPIConfiguration(listen: configuration.httpsListen, requestsPerSecond: configuration.httpsRequestsPerSecond,
                                       smtpSubmitEndpoint: { smtpBound.value }, bodyTimeout: configuration.httpsBodyTimeout)
        https = try HTTPAPIServer(configuration: api, tls: try tlsFiles.serverConfiguration(), intake: intake, backend: store.controlPlane,
                                  logger: logger) { address in
            announce("https listening on \(address.hostPort)")
        }
    }

    /// Runs the services until SIGTERM or SIGINT, or until a service in `extra` (appended last,
    /// so shut down first) asks the group to shut down by returning.
    func run(adding extra: [ServiceGroupConfiguration.ServiceConfiguration] = []) async throws {
        let checker = DkimChecker(store: store.dkimChecks, resolver: DNSResolver(configuration: configuration))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: QueueWriterService(store: store)), .init(service: StoreRefresher(intake: intake, store: store)),
                           .init(service: DkimCheckService(checker: checker, interval: .seconds(configuration.dkimCheckIntervalSeconds),
                                                           round: store.dkimRound, logger: logger)),
                           .init(service: delivery)]
                    + (metrics.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? [])
                    + [.init(service: smtp), .init(service: https)] + extra,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await store.withReadyStore {
            await intake.reloadLimits()
            try await group.run()
        }
    }

    /// The transport `delivery.mode` chooses.
    static func transport(_ configuration: EnvoiConfiguration, queue: any DeliveryQueueStore) throws -> any Transport {
        switch configuration.deliveryMode {
        case .capture:
            return CaptureTransport(store: queue)
        case .relay:
            guard let relay = configuration.relayHost else {
                throw ConfigurationErrorMessage("delivery.mode = relay needs delivery.relay_host (host:port)")
            }
            let settings = configuration.delivery
            let credentials = settings.relayUsername.map { SMTPClientCredentials(username: $0, password: settings.relayPassword ?? "") }
            let policy: SMTPClientConfiguration.TLSPolicy = switch settings.relayTLS {
            case "none": .never
            case "opportunistic": .opportunistic
            default: .required
            }
            return try RelayTransport(configuration: .init(host: relay.host, port: relay.port, tlsPolicy: policy, caFile: settings.relayCAFile,
                                                           verifyCertificate: settings.relayVerify, credentials: credentials,
                                                           hostname: configuration.smtp.hostname, pool: poolLimits(settings)))
        case .direct:
            let settings = configuration.delivery
            return try DirectTransport(
                configuration: .init(hostname: configuration.smtp.hostname, tlsPolicy: settings.directTLSRequired ? .required : .opportunistic,
                                     verifyCertificate: settings.directVerify, port: settings.directPort, pool: poolLimits(settings)),
                lookup: DNSResolver(configuration: configuration))
        }
    }

    /// `delivery.connection_reuse_limit` and `delivery.connection_idle_time`.
    static func poolLimits(_ settings: EnvoiConfiguration.DeliverySettings) -> SMTPConnectionPool<ContinuousClock>.Limits {
        .init(maximumMessages: settings.connectionReuseLimit, idleTime: .seconds(settings.connectionIdleTime))
    }

    static func deliveryConfiguration(_ settings: EnvoiConfiguration.DeliverySettings) -> DeliveryScheduler.Configuration {
        DeliveryScheduler.Configuration(
            workers: settings.workers,
            schedule: RetrySchedule(initialDelay: TimeInterval(settings.retryInitial), factor: Double(settings.retryFactor),
                                    maximumAge: TimeInterval(settings.maxAge)),
            lease: TimeInterval(settings.lease), hold: settings.hold)
    }

    /// One line on standard output, flushed at once: scripts and tests wait for these.
    static func announce(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// The periodic DKIM check (`dkim.check_interval`): resolves every key's published record and
/// moves it to ACTIVE or NEEDS_ATTENTION, so that signing starts by itself once DNS is right.
/// On a shared database, one node at a time runs a round (`round`).
struct DkimCheckService: Service {
    let checker: DkimChecker
    let interval: Duration
    let round: DkimChecker.RoundGuard
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await checker.runPeriodically(every: interval, clock: ContinuousClock(), report: { outcomes in
                for (id, outcome) in outcomes {
                    if case .success(let result) = outcome, result.previousState != result.key.lifecycleState {
                        logger.info("DKIM key state changed", metadata: [
                            "dkim": .string(id.rawValue), "state": .string(result.key.lifecycleState.rawValue)])
                    }
                }
            }, exclusively: round)
        }
    }
}

/// The first address a listener actually bound (port 0 resolved), for the configuration operation.
final class BoundAddress: Sendable {
    private let address: Locked<String>
    init(_ configured: String) { address = Locked(configured) }
    /// Keeps the first bound address.
    func set(_ bound: String) { address.withLock { if $0.hasSuffix(":0") || $0.isEmpty { $0 = bound } } }
    var value: String { address.withLock { $0 } }
}

extension SocketAddress {
    /// `127.0.0.1:2525` or `[::1]:2525`.
    var hostPort: String {
        let host = ipAddress ?? "?"
        return host.contains(":") ? "[\(host)]:\(port ?? 0)" : "\(host):\(port ?? 0)"
    }
}
