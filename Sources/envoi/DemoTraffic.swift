import Foundation
import NIOCore
import NIOPosix
import ServiceLifecycle
import SMTPClient
import SMTPProtocol
import Synchronization

/// `envoi demo`'s traffic: messages submitted through the process's own SMTP listener (STARTTLS
/// and AUTH with the demo's credential), as an application would send them.
///
/// Steady traffic at `rate` messages per second over two connections, some recipients on the
/// suppression list (answered 254), and every ``burstInterval`` a newsletter to more recipients
/// than the per-minute limit has left, so that the limit is reached and RCPTs are answered 455.
/// Bounded in time (`duration`, at most a day) and in count (``maximumMessages``).
struct DemoTraffic: Service {
    /// Settings of one run.
    struct Settings: Sendable {
        /// Steady messages per second.
        var rate: Double
        /// How long the generator runs; nil for ``maximumDuration``.
        var duration: Duration?
        /// `smtp.max_recipients`: a newsletter is split into messages of at most this many.
        var maximumRecipients: Int
        /// The PEM file that the listener's certificate is checked against; nil checks nothing.
        var trustRoots: String?
    }

    /// The longest run, whatever `--duration` says.
    static let maximumDuration = Duration.seconds(86_400)
    /// The most messages one run sends.
    static let maximumMessages = 5_000_000
    /// Time between newsletter bursts; the first goes out two seconds after the start.
    static let burstInterval = Duration.seconds(90)
    /// Concurrent steady connections.
    static let connections = 2

    let tenant: DemoTenant
    let settings: Settings
    /// The SMTP listener's address once it is bound.
    let smtpAddress: @Sendable () -> (host: String, port: Int)?
    /// Recipients accepted in the sliding minute and the per-minute limit, from the live feed.
    let minuteUsage: @Sendable () -> (used: Int, limit: Int)
    /// Where the start and the summary lines go.
    let report: @Sendable (String) -> Void
    let tally = DemoTally()

    func run() async throws {
        await cancelWhenGracefulShutdown { await generate() }
        report(tally.summary)
    }

    private func generate() async {
        let started = ContinuousClock.now
        // The listener announces itself as it binds; wait for it a bounded time.
        var address = smtpAddress()
        while address == nil, ContinuousClock.now - started < .seconds(30), !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
            address = smtpAddress()
        }
        guard let address else { return report("demo traffic: the SMTP listener did not start") }
        let tls: SMTPClientTLSConfiguration
        do {
            tls = try SMTPClientTLSConfiguration(verification: settings.trustRoots.map { .trustRootsFile($0) } ?? .none, host: address.host)
        } catch {
            return report("demo traffic: cannot read the listener's certificate: \(error)")
        }
        let deadline = started + min(settings.duration ?? Self.maximumDuration, Self.maximumDuration)
        let link = DemoLink(host: address.host, port: address.port, tls: tls, tenant: tenant)
        report(String(format: "demo traffic: %.1f messages/s to %@:%d (STARTTLS, AUTH)", settings.rate, address.host, address.port))
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<Self.connections {
                group.addTask { await steady(worker: worker, link: link, deadline: deadline) }
            }
            group.addTask { await bursts(link: link, deadline: deadline) }
        }
    }

    /// One connection's share of the steady traffic, on one session, reconnecting after a failure.
    private func steady(worker: Int, link: DemoLink, deadline: ContinuousClock.Instant) async {
        let interval = Duration.seconds(Double(Self.connections) / max(settings.rate, 0.01))
        var next = ContinuousClock.now + interval * Double(worker) / Double(Self.connections)
        var connection: SMTPClientConnection?
        var sequence = 0
        let budget = Self.maximumMessages / Self.connections
        while sequence < budget, !Task.isCancelled {
            guard next < deadline else { break }
            do { try await Task.sleep(until: next, clock: .continuous) } catch { break }
            // Never catch up after a slow spell: a backlog would arrive as one burst.
            next = max(next + interval, ContinuousClock.now)
            sequence += 1
            if connection == nil {
                connection = await link.open(tally: tally)
                if connection == nil { continue }
            }
            let message = DemoMessages.transactional(tenant: tenant, worker: worker, sequence: sequence)
            if await !link.send(message, on: connection!, tally: tally) {
                connection?.close()
                connection = nil
            }
        }
        await connection?.quit()
    }

    /// Newsletters: each to what the minute's limit has left plus a tenth of the limit more.
    private func bursts(link: DemoLink, deadline: ContinuousClock.Instant) async {
        var next = ContinuousClock.now + .seconds(2)
        var issue = 0
        while next < deadline, issue < Self.maximumMessages, !Task.isCancelled {
            do { try await Task.sleep(until: next, clock: .continuous) } catch { return }
            next += Self.burstInterval
            issue += 1
            let usage = minuteUsage()
            let count = max(0, usage.limit - usage.used) + max(10, usage.limit / 10)
            guard let connection = await link.open(tally: tally) else { continue }
            for message in DemoMessages.newsletter(tenant: tenant, issue: issue, recipients: count, perMessage: settings.maximumRecipients) {
                guard ContinuousClock.now < deadline, await link.send(message, on: connection, tally: tally) else { break }
            }
            await connection.quit()
        }
    }
}

/// How the generator reaches the listener: the address, TLS and the demo's credential.
struct DemoLink: Sendable {
    let host: String
    let port: Int
    let tls: SMTPClientTLSConfiguration
    let tenant: DemoTenant

    /// A session set up (greeting, EHLO, STARTTLS, AUTH); nil after counting the failure.
    func open(tally: DemoTally) async -> SMTPClientConnection? {
        let configuration = SMTPClientConfiguration(hostname: "app.demo.example", tlsPolicy: .required,
                                                    credentials: SMTPClientCredentials(username: tenant.username, password: tenant.password),
                                                    usesPipelining: true)
        do {
            return try await SMTPClientConnection.connect(host: host, port: port, configuration: configuration, tls: tls,
                                                          timeouts: .init(connect: .seconds(5), reply: .seconds(30), setup: .seconds(30)))
        } catch {
            tally.fail("connect: \(String(describing: error).prefix(80))")
            try? await Task.sleep(for: .seconds(1))
            return nil
        }
    }

    /// Sends one message and counts what each recipient got; false when the session is over.
    func send(_ message: SMTPClientMessage, on connection: SMTPClientConnection, tally: DemoTally) async -> Bool {
        do {
            let delivery = try await connection.send(message)
            tally.record(delivery.result, suppressed: Set(tenant.suppressed))
            // An error that ended the transaction (421, a closed connection, a timeout) ends the session too.
            if let error = delivery.result.error {
                tally.fail("send: \(String(describing: error).prefix(80))")
                return false
            }
            return true
        } catch {
            tally.fail("send: \(String(describing: error).prefix(80))")
            return false
        }
    }
}
