import EnvoiCore
import Logging
import ServiceLifecycle

/// The console as a service of the process's `ServiceGroup`: it starts the terminal thread,
/// feeds it statistics snapshots and store reads, runs the effects its keys ask for, and
/// returns when `q` is pressed (the group then shuts down gracefully) or when the group shuts
/// down (SIGINT, SIGTERM) — restoring the terminal before it returns in both cases.
public struct ConsoleService<C: Clock>: Service where C.Duration == Duration {
    private let session: ConsoleSession
    private let source: any ConsoleDataSource
    private let statistics: @Sendable () -> AsyncStream<StatisticsSnapshot>
    private let colors: Bool
    private let clock: C
    private let logger: Logger

    /// Suppressions read per page.
    public static var suppressionPageSize: Int { 50 }
    /// Events and captured messages read for their panes.
    public static var tailSize: Int { 200 }
    /// How often the visible pane's data is read again.
    public static var refreshInterval: Duration { .seconds(1) }

    /// - Parameters:
    ///   - statistics: the live feed (4 snapshots a second).
    ///   - colors: false under `NO_COLOR`.
    public init(session: ConsoleSession, source: any ConsoleDataSource, statistics: @escaping @Sendable () -> AsyncStream<StatisticsSnapshot>,
                colors: Bool, clock: C, logger: Logger) {
        self.session = session
        self.source = source
        self.statistics = statistics
        self.colors = colors
        self.clock = clock
        self.logger = logger
    }

    /// Runs the console until `q` or the group's graceful shutdown; the terminal is restored on return.
    public func run() async throws {
        let terminal = Terminal(session: session, colors: colors)
        terminal.start()
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await followStatistics() }
                group.addTask { await refreshPeriodically() }
                await runEffects()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            session.finish()
        }
        await terminal.stop()
        logger.info("console stopped")
    }

    /// Runs effects concurrently (a slow DNS recheck does not hold up paging) until `q`.
    private func runEffects() async {
        for pane in [Pane.senders, .domains, .dkim, .activity] { session.request(.refresh(pane)) }
        await withDiscardingTaskGroup { group in
            for await effect in session.effects {
                if effect == .quit { break }
                group.addTask { await perform(effect) }
            }
            // Quit or shutdown: an effect still waiting (a DNS recheck) must not hold up the exit.
            group.cancelAll()
        }
    }

    /// Snapshots into the model; refusals (not in the event log) become Activity lines.
    func followStatistics() async {
        var previous: [String: Int]?
        var nextID: Int64 = -1
        for await snapshot in statistics() {
            session.receive(.statistics(snapshot))
            if let previous {
                let refusals = snapshot.rejectedByReason.sorted { $0.key < $1.key }.compactMap { reason, count -> ActivityEvent? in
                    let added = count - previous[reason, default: 0]
                    guard added > 0 else { return nil }
                    defer { nextID -= 1 }
                    return ActivityEvent(id: nextID, time: snapshot.time, type: "rejected",
                                         status: source.reply(forRefusal: reason) + (added > 1 ? " (×\(added))" : ""))
                }
                if !refusals.isEmpty { session.receive(.refusals(refusals)) }
            }
            previous = snapshot.rejectedByReason
        }
    }

    private func refreshPeriodically() async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: Self.refreshInterval) } catch { return }
            let pane = session.snapshot().model.pane
            if pane == .suppressions {
                session.request(.loadSuppressions(session.snapshot().model.suppressions.request))
            } else if pane != .overview {
                session.request(.refresh(pane))
            }
        }
    }

    /// Runs one effect and posts its outcome; failures show on the status line.
    func perform(_ effect: ConsoleEffect) async {
        do {
            switch effect {
            case .quit: return
            case .refresh(let pane): try await refresh(pane)
            case .loadSuppressions(let request):
                session.receive(.suppressions(try await source.suppressions(request, limit: Self.suppressionPageSize)))
            case .loadMailMessage(let id): session.receive(.mailMessage(try await source.mailMessage(id)))
            case .addSender(let address):
                let stored = try await source.addSender(address)
                session.receive(.done("approved sender \(stored)"))
                try await refresh(.senders)
            case .deleteSender(let id, let address):
                try await source.deleteSender(id)
                session.receive(.done("deleted sender \(address)"))
                try await refresh(.senders)
            case .addSuppression(let address):
                let stored = try await source.addSuppression(address)
                session.receive(.done("suppressed \(stored) (MANUAL)"))
                session.request(.loadSuppressions(session.snapshot().model.suppressions.request))
            case .removeSuppression(let id, let address):
                try await source.removeSuppression(id)
                session.receive(.done("lifted the suppression of \(address)"))
                session.request(.loadSuppressions(session.snapshot().model.suppressions.request))
            case .createDkimKey(let domain, let name):
                let selector = try await source.createDkimKey(domain: domain)
                session.receive(.done("created DKIM key \(selector) for \(name): publish its record, then press r"))
                try await refresh(.dkim)
            case .recheckDkim(let id, let selector):
                let outcome = try await source.recheckDkim(id)
                session.receive(.done("\(selector): \(outcome)"))
                try await refresh(.dkim)
            }
        } catch is CancellationError {
            return
        } catch {
            session.receive(.failed((error as? ControlPlaneError)?.message ?? "\(error)"))
        }
    }

    private func refresh(_ pane: Pane) async throws {
        switch pane {
        case .overview: return
        case .senders: session.receive(.senders(try await source.senders()))
        case .domains, .dkim:
            session.receive(.domains(try await source.domains()))
            session.receive(.dkimKeys(try await source.dkimKeys()))
        case .suppressions:
            session.receive(.suppressions(try await source.suppressions(session.snapshot().model.suppressions.request,
                                                                        limit: Self.suppressionPageSize)))
        case .activity: session.receive(.activity(try await source.activity(limit: Self.tailSize)))
        case .mail: session.receive(.mail(try await source.mail(limit: Self.tailSize)))
        }
    }
}
