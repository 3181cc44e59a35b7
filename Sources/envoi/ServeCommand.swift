import ArgumentParser
import EnvoiCore
import EnvoiStore
import Foundation
import Logging
import MetricsEndpoint
import NIOCore
import NIOSSL
import Prometheus
import ServiceLifecycle
import SMTPServer

/// `envoi serve`: the data planes, headless, until SIGTERM or SIGINT (graceful: stop accepting,
/// let sessions in DATA finish, flush the queue writer, exit 0).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the SMTP data plane (headless).")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let configuration = try global.resolve().configuration
        let runtime = try Runtime(configuration: configuration)
        try await runtime.run()
    }
}

/// Everything `serve` (and later `console`) runs in one process, as one `ServiceGroup` ordered so
/// that shutdown stops intake first and drains the queue writer last.
struct Runtime {
    let configuration: EnvoiConfiguration
    let store: ControlPlaneStore
    let writer: QueueWriter
    let intake: StoreMessageIntake
    let smtp: SMTPServer
    let statistics: ServiceStatistics
    let feed: StatisticsFeed
    let metrics: MetricsEndpoint?
    let logger: Logger

    init(configuration: EnvoiConfiguration) throws {
        self.configuration = configuration
        let directory = DataDirectory(path: configuration.dataDirectory)
        guard directory.isPrepared, FileManager.default.fileExists(atPath: directory.databasePath) else {
            throw StoreError.notInitialised(directory.path)
        }
        var logger = Logger(label: "envoi")
        logger.logLevel = .info
        self.logger = logger
        let registry = PrometheusCollectorRegistry()
        statistics = ServiceStatistics(factory: PrometheusMetricsFactory(registry: registry))
        store = try ControlPlaneStore(directory: directory)
        writer = try QueueWriter(store: store, statistics: statistics)
        let intake = try StoreMessageIntake(store: store, writer: writer, hostname: configuration.smtp.hostname, statistics: statistics)
        self.intake = intake
        let feed = StatisticsFeed(store: store, writer: writer, statistics: statistics, limits: { intake.currentLimits() })
        self.feed = feed
        metrics = configuration.metricsListen.map { address in
            MetricsEndpoint(address: address, registry: registry, refresh: { _ = feed.snapshot() }) { bound in
                Runtime.announce("metrics listening on \(bound.hostPort)")
            }
        }
        let tls = try TLSFiles(configuration: configuration, directory: directory).serverContext()
        let settings = configuration.smtp
        let listener = SMTPListenerConfiguration(
            listen: configuration.smtpListen, hostname: settings.hostname, tls: tls,
            maximumConnections: settings.maximumConnections, maximumConnectionsPerAddress: settings.maximumConnectionsPerIP,
            authFailureLimit: settings.authFailureLimit, authFailureWindow: .seconds(settings.authFailureWindow),
            commandTimeout: .seconds(settings.commandTimeout), dataTimeout: .seconds(settings.dataTimeout),
            maximumRecipients: settings.maximumRecipients, shutdownGracePeriod: .seconds(settings.shutdownGrace))
        smtp = SMTPServer(configuration: listener, intake: intake, statistics: statistics, logger: logger) { address in
            Runtime.announce("smtp listening on \(address.hostPort)")
        }
    }

    func run() async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: QueueWriterService(writer: writer)), .init(service: LimitsReloader(intake: intake))]
                    + (metrics.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? [])
                    + [.init(service: smtp)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// One line on standard output, flushed at once: scripts and tests wait for these.
    static func announce(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// The queue writer as a service: on graceful shutdown it stops taking submissions and returns
/// once those it took are on disk.
struct QueueWriterService: Service {
    let writer: QueueWriter

    func run() async throws {
        await withGracefulShutdownHandler {
            await writer.run()
        } onGracefulShutdown: {
            writer.finish()
        }
    }
}

/// Re-reads the tenancy's limits every second, so that `envoi limits set` shows in EHLO SIZE,
/// the snapshot and the gauges even while no mail arrives.
struct LimitsReloader: Service {
    let intake: StoreMessageIntake

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await intake.reloadLimits()
                try await Task.sleep(for: .seconds(1))
            }
        }
    }
}

extension SocketAddress {
    /// `127.0.0.1:2525` or `[::1]:2525`.
    var hostPort: String {
        let host = ipAddress ?? "?"
        return host.contains(":") ? "[\(host)]:\(port ?? 0)" : "\(host):\(port ?? 0)"
    }
}
