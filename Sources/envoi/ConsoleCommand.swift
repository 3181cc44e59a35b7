import ArgumentParser
import Console
import DkimService
import DNSResolver
import EnvoiCore
import EnvoiStore
import Foundation
import ServiceLifecycle

/// `envoi console [--read-only]`: the same services as `serve`, in the same process, plus the
/// ncurses console on this terminal. `q` stops everything gracefully and exits 0.
struct ConsoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console", abstract: "Run the data planes with the live console on this terminal (q quits).",
        subcommands: [ConsoleBenchCommand.self])

    @OptionGroup var global: GlobalOptions

    @Flag(name: .customLong("read-only"), help: "Hide and refuse every action that changes the control plane.")
    var readOnly = false

    /// The file that receives the log and the "listening on" lines while the console owns the terminal.
    static let logFileName = "console.log"

    func run() async throws {
        try await Self.run(configuration: try global.resolve().configuration, readOnly: readOnly)
    }

    /// Runs the services and the console on this terminal until `q`, SIGTERM or SIGINT.
    ///
    /// - Parameters:
    ///   - announced: also receives each "… listening on …" line (`envoi demo` finds its SMTP port so).
    ///   - extra: more services for the group (appended after the console), made once the runtime exists.
    static func run(configuration: EnvoiConfiguration, readOnly: Bool,
                    announced: @escaping @Sendable (String) -> Void = { _ in },
                    adding extra: (Runtime) -> [ServiceGroupConfiguration.ServiceConfiguration] = { _ in [] }) async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw ConfigurationErrorMessage("envoi console needs a terminal; use `envoi serve` to run headless")
        }
        // The log lives in the data directory: say "run envoi init" rather than "cannot open the log".
        guard DataDirectory(path: configuration.dataDirectory).isPrepared else {
            throw StoreError.notInitialised(configuration.dataDirectory)
        }
        let logPath = configuration.dataDirectory + "/" + Self.logFileName
        let log = try ConsoleLog(path: logPath)
        // On a shared PostgreSQL database the screens list what every node changed, and the
        // limit gauges show the cluster's usage (`RuntimeStore.usage`).
        let runtime = try Runtime(configuration: configuration, announce: { log.write($0); announced($0) })
        let source = StoreConsoleDataSource(
            store: runtime.store.console, controlPlane: runtime.store.controlPlane, dkimChecks: runtime.store.dkimChecks,
            dkimChecker: DkimChecker(store: runtime.store.dkimChecks, resolver: DNSResolver(configuration: configuration)),
            limits: { [intake = runtime.intake] in intake.currentLimits() })
        let environment = ProcessInfo.processInfo.environment
        // https://no-color.org: any non-empty NO_COLOR turns colour off.
        let colors = (environment["NO_COLOR"] ?? "").isEmpty
        let feed = runtime.feed
        let console = ConsoleService(session: ConsoleSession(model: ConsoleModel(readOnly: readOnly)), source: source,
                                     statistics: { feed.updates(every: .milliseconds(250)) }, colors: colors,
                                     clock: ContinuousClock(), logger: runtime.logger)
        // While curses draws, anything written to standard error would garble the screen: the
        // log goes to the file until the terminal is restored.
        log.captureStandardError()
        defer { log.releaseStandardError() }
        try await runtime.run(adding: [.init(service: console, successTerminationBehavior: .gracefullyShutdownGroup,
                                             failureTerminationBehavior: .gracefullyShutdownGroup)] + extra(runtime))
    }
}

/// The console's log file: standard error is pointed at it while the console runs.
final class ConsoleLog: Sendable {
    private let descriptor: Int32
    private let savedStandardError: Int32

    init(path: String) throws {
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ConfigurationErrorMessage("cannot open the console log \(path)") }
        savedStandardError = dup(STDERR_FILENO)
    }

    /// One line, written at once (tests and scripts read the "listening on" lines from here).
    func write(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        _ = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
    }

    func captureStandardError() { dup2(descriptor, STDERR_FILENO) }

    func releaseStandardError() {
        if savedStandardError >= 0 { dup2(savedStandardError, STDERR_FILENO) }
    }
}
