import ArgumentParser
import EnvoiCore
import EnvoiStore
import Foundation
import ServiceLifecycle

/// `envoi demo`: a scratch data directory seeded like a real tenancy, the data planes with
/// delivery in capture mode, traffic through the real SMTP listener, and the console on top
/// (or, with `--headless`, the same without the console, for scripts and CI).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Seed a scratch data directory, send traffic through SMTP and watch it in the console.",
        discussion: """
            Seeds a new data directory (default: a fresh temporary one, printed; ENVOI_DATA_DIR is not \
            read, so the demo never seeds your configured directory unless --data-dir names it) with the compartments \
            transactional and marketing; the email domain demo.example with one DKIM key ACTIVE and one \
            NEEDS_ATTENTION (the ACTIVE state is set directly through the store, without a DNS check: \
            demo data only); approved senders; a user with group, policy, SMTP credential and API key \
            (their secrets stay inside this process and are never printed); send limits of --per-minute \
            per minute; and --suppressions suppressed addresses with realistic reasons.

            Then runs the data planes on free loopback ports with delivery in capture mode and DNS \
            lookups sent to 127.0.0.1:1 (so nothing leaves the machine), plus a traffic generator that \
            submits through the SMTP listener with STARTTLS and AUTH at --rate messages per second, \
            some recipients suppressed, and newsletter bursts past the per-minute limit (455). The HTTPS \
            listener runs but the generator does not submit through it (SMTP only). Any --set overrides \
            these defaults. The generator stops after --duration seconds (default: when you quit, at \
            most a day); with --headless the process then exits.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Suppressed addresses to seed (0-1000000).") var suppressions = 3_000
    @Option(help: "Steady messages per second sent through SMTP (0.1-200).") var rate: Double = 4
    @Option(help: "Stop the traffic after this many seconds (default: when you quit).") var duration: Double?
    @Option(name: .customLong("per-minute"), help: "The tenancy's per-minute limit (recipients).") var perMinute = 600
    @Flag(help: "Run without the console: print the listening lines and a summary, exit after --duration.")
    var headless = false

    func validate() throws {
        guard (0...1_000_000).contains(suppressions) else { throw ValidationError("--suppressions must be 0...1000000") }
        guard (0.1...200).contains(rate) else { throw ValidationError("--rate must be 0.1...200 messages per second") }
        if let duration, !(1...86_400).contains(duration) { throw ValidationError("--duration must be 1...86400 seconds") }
        guard (1...1_000_000).contains(perMinute) else { throw ValidationError("--per-minute must be 1...1000000") }
    }

    /// Settings the demo chooses unless `--set` gives them: free loopback ports, capture
    /// delivery, and DNS on a loopback port where nothing answers (the periodic DKIM check then
    /// keeps each key's state, with a note that DNS did not answer).
    static let defaults = ["smtp.listen": "127.0.0.1:0", "https.listen": "127.0.0.1:0", "delivery.mode": "capture",
                           "dns.resolver": "127.0.0.1:1", "dns.timeout": "1", "dkim.check_interval": "3600"]

    func run() async throws {
        var options = global
        if options.dataDirectory == nil {
            options.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("envoi-demo-\(UUID().uuidString.prefix(8))").path
        }
        let given = Set(options.overrides.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        options.overrides = Self.defaults.sorted { $0.key < $1.key }.filter { !given.contains($0.key) }.map { "\($0.key)=\($0.value)" }
            + options.overrides
        let configuration = try options.resolve().configuration
        let directory = DataDirectory(path: configuration.dataDirectory)
        guard !FileManager.default.fileExists(atPath: directory.databasePath) else {
            throw ConfigurationErrorMessage("envoi demo seeds a new data directory, and \(directory.path) already has one: "
                                            + "run `envoi console --data-dir \(directory.path)` on it, or give another --data-dir")
        }
        print("envoi demo: data directory \(directory.path)")
        _ = try directory.prepare()
        let store = try ControlPlaneStore(directory: directory)
        _ = try store.initialise()
        let tenant = try DemoSeed.seed(store: store, publishZone: configuration.dkimPublishZone, suppressions: suppressions,
                                       perMinute: perMinute, perDay: max(perMinute * 60, 50_000))
        print("envoi demo: seeded \(DemoSeed.domain) (2 DKIM keys), \(tenant.senders.count + 1) senders, "
              + "\(try store.suppressionCount()) suppressions, limit \(perMinute) per minute")
        fflush(nil)

        let smtp = BoundAddress("")
        let announced: @Sendable (String) -> Void = { line in
            if line.hasPrefix("smtp listening on ") { smtp.set(String(line.dropFirst("smtp listening on ".count))) }
        }
        let trustRoots = try TLSFiles(configuration: configuration, directory: directory).certificatePath
        let settings = DemoTraffic.Settings(rate: rate, duration: duration.map { .milliseconds(Int64($0 * 1000)) },
                                            maximumRecipients: configuration.smtp.maximumRecipients,
                                            trustRoots: trustRoots == directory.certificatePath ? trustRoots : nil)
        let traffic = { (runtime: Runtime, report: @escaping @Sendable (String) -> Void) in
            DemoTraffic(tenant: tenant, settings: settings, smtpAddress: { Self.hostPort(smtp.value) },
                        minuteUsage: { [feed = runtime.feed] in
                            let snapshot = feed.snapshot()
                            return (snapshot.minuteUsage, snapshot.limits.messagesPerMinute)
                        }, report: report)
        }
        if headless {
            let runtime = try Runtime(configuration: configuration, announce: { Runtime.announce($0); announced($0) })
            // The generator's end ends the run: the group shuts down gracefully and the process exits 0.
            let behaviour: ServiceGroupConfiguration.ServiceConfiguration.TerminationBehavior =
                duration == nil ? .ignore : .gracefullyShutdownGroup
            try await runtime.run(adding: [.init(service: traffic(runtime, { Runtime.announce($0) }), successTerminationBehavior: behaviour,
                                                 failureTerminationBehavior: .gracefullyShutdownGroup)])
        } else {
            // The generator's lines go to the console's log, beside the listening lines.
            let log = try ConsoleLog(path: directory.path + "/" + ConsoleCommand.logFileName)
            try await ConsoleCommand.run(configuration: configuration, readOnly: false, announced: announced) { runtime in
                [.init(service: traffic(runtime, { log.write($0) }), successTerminationBehavior: .ignore,
                       failureTerminationBehavior: .ignore)]
            }
            print("envoi demo: the data directory stays in \(directory.path) (envoi console --data-dir \(directory.path))")
        }
    }

    /// `127.0.0.1:2525` or `[::1]:2525` as host and port.
    static func hostPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), port > 0 else { return nil }
        return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }
}
