import NIOCore
import NIOPosix
import SMTPClient
import SMTPProtocol
import EnvoiCore

/// `envoi loadgen smtp`: opens N connections and sends M messages in total over them, each
/// connection its share back to back on one session, and measures what happened.
///
/// Bounded in count (M messages) and in time: at the run's deadline every connection still open
/// is closed, and the messages not yet answered are reported with the error `run timeout`.
public struct SMTPLoadGenerator: Sendable {
    /// The run's settings.
    public let configuration: SMTPLoadConfiguration

    /// A generator for one run; call ``SMTPLoadConfiguration/validate()`` first.
    public init(configuration: SMTPLoadConfiguration) {
        self.configuration = configuration
    }

    /// Runs the load and returns its report.
    ///
    /// - Throws: only when the TLS configuration cannot be built (an unreadable CA file); every
    ///   failure of the server or the network is counted in the report instead.
    public func run() async throws -> SMTPLoadReport {
        let tls = configuration.startTLS
            ? try SMTPClientTLSConfiguration(verification: configuration.tlsVerification, host: configuration.host) : nil
        let group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.threads)
        let factory = LoadMessageFactory(sender: configuration.sender, recipient: configuration.recipient,
                                         size: configuration.messageSize)
        let start = ContinuousClock.now
        let deadline = start + configuration.timeout
        let tracker = ConnectionTracker()
        var tallies: [ConnectionTally] = []
        await withTaskGroup(of: ConnectionTally?.self) { tasks in
            var running = 0
            for index in 0..<configuration.connections {
                let share = configuration.messages / configuration.connections
                    + (index < configuration.messages % configuration.connections ? 1 : 0)
                guard share > 0 else { continue }
                running += 1
                tasks.addTask {
                    await runConnection(index: index, share: share, tls: tls, factory: factory, deadline: deadline,
                                        tracker: tracker, group: group)
                }
            }
            tasks.addTask {
                // The run's deadline; cancelled once every connection is done.
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                    tracker.expire()
                } catch {}
                return nil
            }
            for await tally in tasks {
                guard let tally else { continue }
                tallies.append(tally)
                running -= 1
                if running == 0 { tasks.cancelAll() }
            }
        }
        try? await group.shutdownGracefully()
        let lastReply = tallies.compactMap(\.lastReply).max()
        return SMTPLoadReport(
            configuration: configuration,
            elapsed: tracker.isExpired ? configuration.timeout : start.duration(to: lastReply ?? .now),
            latencies: tallies.flatMap(\.latencies).sorted(),
            replies: tallies.reduce(into: [:]) { total, tally in total.merge(tally.replies, uniquingKeysWith: +) },
            errors: tallies.reduce(into: [:]) { total, tally in total.merge(tally.errors, uniquingKeysWith: +) },
            accepted: tallies.reduce(0) { $0 + $1.accepted },
            timedOut: tracker.isExpired)
    }

    /// One connection: set up, send `share` messages back to back, QUIT.
    private func runConnection(index: Int, share: Int, tls: SMTPClientTLSConfiguration?, factory: LoadMessageFactory,
                               deadline: ContinuousClock.Instant, tracker: ConnectionTracker,
                               group: any EventLoopGroup) async -> ConnectionTally {
        var tally = ConnectionTally()
        let remaining = ContinuousClock.now.duration(to: deadline)
        let connection: SMTPClientConnection
        do {
            guard remaining > .zero else { throw SMTPClientError.timeout }
            connection = try await SMTPClientConnection.connect(
                host: configuration.host, port: configuration.port, configuration: configuration.clientConfiguration, tls: tls,
                timeouts: .init(connect: min(remaining, .seconds(10)), reply: remaining, setup: remaining), group: group)
        } catch {
            // The setup's own time limit is the run's deadline: past it, that is the reason.
            let expired = tracker.isExpired || ContinuousClock.now >= deadline
            tally.fail(share, because: expired ? "run timeout" : Self.describe(error))
            return tally
        }
        guard tracker.register(connection.channel) else {
            connection.close()
            tally.fail(share, because: "run timeout")
            return tally
        }
        for sequence in 0..<share {
            do {
                let delivery = try await connection.send(factory.message(connection: index, sequence: sequence))
                tally.record(delivery, expired: tracker.isExpired)
            } catch {
                tally.fail(share - sequence, because: tracker.isExpired ? "run timeout" : Self.describe(error))
                break
            }
        }
        await connection.quit()
        tracker.unregister(connection.channel)
        return tally
    }

    /// One short line for an error that kept messages from being sent.
    static func describe(_ error: any Error) -> String {
        let text = (error as? SMTPClientError).map(String.init(describing:)) ?? String(describing: error)
        return String(text.prefix(100))
    }
}

/// What one connection measured.
struct ConnectionTally: Sendable {
    var latencies: [Duration] = []
    var replies: [String: Int] = [:]
    var errors: [String: Int] = [:]
    var accepted = 0
    var lastReply: ContinuousClock.Instant?

    mutating func record(_ delivery: SMTPClientDelivery, expired: Bool) {
        guard let reply = delivery.result.finalReply else {
            let reason = expired ? "run timeout" : delivery.result.error.map(String.init(describing:)) ?? "no reply"
            return fail(1, because: reason)
        }
        replies[reply.code.description, default: 0] += 1
        latencies.append(delivery.duration)
        if delivery.result.isAccepted { accepted += 1 }
        lastReply = .now
    }

    mutating func fail(_ count: Int, because reason: String) {
        errors[reason, default: 0] += count
    }
}

/// The open connections of a run, so that the deadline can close them all.
final class ConnectionTracker: Sendable {
    private let state = Locked<(channels: [ObjectIdentifier: any Channel], expired: Bool)>(([:], false))

    /// Adds `channel`; false when the run is already over (the caller closes it).
    func register(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.expired else { return false }
            state.channels[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func unregister(_ channel: any Channel) {
        _ = state.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// The deadline passed: close everything still open.
    func expire() {
        let open = state.withLock { state in
            state.expired = true
            return Array(state.channels.values)
        }
        for channel in open { channel.close(promise: nil) }
    }

    var isExpired: Bool { state.withLock { $0.expired } }
}

extension SMTPLoadGenerator {
    /// Runs the load from synchronous code (the command line) and waits for the report.
    public func runAndWait() throws -> SMTPLoadReport {
        let promise = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: SMTPLoadReport.self)
        promise.completeWithTask { try await run() }
        return try promise.futureResult.wait()
    }
}
