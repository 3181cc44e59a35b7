import ArgumentParser
import EnvoiCore
import EnvoiStore
import Foundation
import HTTPAPI
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import SMTPServer
import Synchronization

/// `envoi serve`: the data planes, headless, until SIGTERM or SIGINT (graceful: stop accepting,
/// let sessions in DATA finish, flush the queue writer, exit 0).
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the SMTP and HTTPS data planes and the HTTPS control plane (headless).")

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
    let https: HTTPAPIServer
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
        store = try ControlPlaneStore(directory: directory)
        writer = try QueueWriter(store: store)
        intake = try StoreMessageIntake(store: store, writer: writer, hostname: configuration.smtp.hostname)
        let tlsFiles = try TLSFiles(configuration: configuration, directory: directory)
        let tls = try tlsFiles.serverContext()
        let settings = configuration.smtp
        let listener = SMTPListenerConfiguration(
            listen: configuration.smtpListen, hostname: settings.hostname, tls: tls,
            maximumConnections: settings.maximumConnections, maximumConnectionsPerAddress: settings.maximumConnectionsPerIP,
            authFailureLimit: settings.authFailureLimit, authFailureWindow: .seconds(settings.authFailureWindow),
            commandTimeout: .seconds(settings.commandTimeout), dataTimeout: .seconds(settings.dataTimeout),
            maximumRecipients: settings.maximumRecipients, shutdownGracePeriod: .seconds(settings.shutdownGrace))
        let smtpBound = BoundAddress(configuration.smtpListen.first?.description ?? "")
        smtp = SMTPServer(configuration: listener, intake: intake, logger: logger) { address in
            smtpBound.set(address.hostPort)
            Runtime.announce("smtp listening on \(address.hostPort)")
        }
        let api = HTTPAPIConfiguration(listen: configuration.httpsListen, requestsPerSecond: configuration.httpsRequestsPerSecond,
                                       smtpSubmitEndpoint: { smtpBound.value })
        https = try HTTPAPIServer(configuration: api, tls: try tlsFiles.serverConfiguration(), intake: intake,
                                  backend: StoreControlPlane(store: store), logger: logger) { address in
            Runtime.announce("https listening on \(address.hostPort)")
        }
    }

    func run() async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: QueueWriterService(writer: writer)), .init(service: smtp), .init(service: https)],
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

/// The first address a listener actually bound (port 0 resolved), for the configuration operation.
final class BoundAddress: Sendable {
    private let address: Mutex<String>
    init(_ configured: String) { address = Mutex(configured) }
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
