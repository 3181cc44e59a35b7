import DKIM
import EnvoiCore
import Foundation
import Logging
import MailMessage
import ServiceLifecycle
import SMTPProtocol

/// The delivery pipeline, as one `Service`: workers claim due queue entries, drop recipients
/// suppressed since acceptance, sign with the sender domain's ACTIVE DKIM key, hand the message to
/// the transport under per-destination slow start, and record each outcome — retries with backoff
/// for 4xx, bounces (and suppressions) for 5xx and for what outlives the maximum age.
public final class DeliveryScheduler: Service, Sendable {
    public struct Configuration: Sendable {
        public var workers: Int
        public var schedule: RetrySchedule
        /// How long a claimed entry stays leased to this process.
        public var lease: TimeInterval
        /// How often an idle worker looks for due entries.
        public var pollInterval: Duration
        public var initialConcurrency: Int
        public var maximumConcurrency: Int
        /// Deliver nothing: the queue only fills (`delivery.hold`).
        public var hold: Bool

        public init(workers: Int = 8, schedule: RetrySchedule = RetrySchedule(), lease: TimeInterval = 600,
                    pollInterval: Duration = .milliseconds(250), initialConcurrency: Int = 2, maximumConcurrency: Int = 20,
                    hold: Bool = false) {
            self.hold = hold
            self.workers = workers
            self.schedule = schedule
            self.lease = lease
            self.pollInterval = pollInterval
            self.initialConcurrency = initialConcurrency
            self.maximumConcurrency = maximumConcurrency
        }
    }

    private let store: any DeliveryQueueStore
    private let transport: any Transport
    private let configuration: Configuration
    private let statistics: ServiceStatistics
    private let logger: Logger
    private let concurrency: Locked<DestinationConcurrency>

    public init(store: any DeliveryQueueStore, transport: any Transport, configuration: Configuration = Configuration(),
                statistics: ServiceStatistics, logger: Logger) {
        self.store = store
        self.transport = transport
        self.configuration = configuration
        self.statistics = statistics
        self.logger = logger
        self.concurrency = Locked(DestinationConcurrency(initial: configuration.initialConcurrency, maximum: configuration.maximumConcurrency))
    }

    /// Events are kept this long (BEHAVIOUR.md §7).
    public static let eventRetention: TimeInterval = 14 * 86_400

    public func run() async throws {
        try await store.releaseAllLeases()
        if configuration.hold {
            logger.notice("delivery is held (delivery.hold = true): accepted mail stays queued")
            try? await gracefulShutdown()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, configuration.workers) {
                group.addTask { await self.work() }
            }
            group.addTask { await self.housekeeping() }
            group.addTask { await self.transport.maintain(until: { Task.isShuttingDownGracefully || Task.isCancelled }) }
        }
    }

    /// Purges old events once at start and then hourly.
    private func housekeeping() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let cutoff = Date().addingTimeInterval(-Self.eventRetention)
            if let purged = try? await store.purgeEvents(before: cutoff), purged > 0 {
                logger.info("purged old events", metadata: ["count": .stringConvertible(purged)])
            }
            for _ in 0..<3_600 where !Task.isShuttingDownGracefully && !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// One worker: claim, deliver, record, until the service shuts down (between messages).
    private func work() async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let jobs = (try? await store.claimDueDeliveries(now: Date(), limit: 20, lease: configuration.lease)) ?? []
            if jobs.isEmpty {
                try? await Task.sleep(for: configuration.pollInterval)
                continue
            }
            for job in jobs { await deliver(job) }
        }
    }

    func deliver(_ job: DeliveryJob) async {
        var records: [DeliveryRecord] = []
        var recipients: [String] = []
        for recipient in job.recipients {
            if (try? await store.isSuppressed(recipient)) == true {
                records.append(DeliveryRecord(recipient: recipient, result: .suppressed, status: "Recipient suppressed after acceptance"))
            } else {
                recipients.append(recipient)
            }
        }
        let (message, selector) = await sign(job)
        let groups = Dictionary(grouping: recipients, by: transport.destination(of:))
        for (destination, group) in groups.sorted(by: { $0.key < $1.key }) {
            await acquire(destination)
            let result = await transport.deliver(message, job: job, recipients: group, dkimSelector: selector)
            let succeeded = result.outcomes.values.contains { if case .relayed = $0 { true } else { false } }
            concurrency.withLock { $0.finish(destination, succeeded: succeeded) }
            for recipient in group {
                let outcome = result.outcomes[recipient] ?? .deferred(status: SMTPReply.noOutcome.description)
                records.append(record(recipient, outcome, job: job, remoteHost: result.remoteHost, selector: selector))
            }
        }
        count(records)
        do {
            try await store.recordDeliveries(records, of: job, now: Date())
        } catch {
            // The lease expires and the entries are tried again: at least once, never lost.
            logger.error("cannot record delivery outcomes", metadata: ["queue_id": .string(job.queueID)])
        }
    }

    private func record(_ recipient: String, _ outcome: DeliveryOutcome, job: DeliveryJob, remoteHost: String?,
                        selector: String?) -> DeliveryRecord {
        switch outcome {
        case .relayed(let status):
            return DeliveryRecord(recipient: recipient, result: .relayed, status: status, remoteHost: remoteHost, dkimSelector: selector)
        case .bounced(let status):
            return DeliveryRecord(recipient: recipient, result: .bouncedHard, status: status, remoteHost: remoteHost, dkimSelector: selector)
        case .deferred(let status):
            let attempts = (job.attempts[recipient] ?? 0) + 1
            switch configuration.schedule.decision(afterAttempts: attempts, received: job.timeReceived, now: Date(), random: .random(in: 0..<1)) {
            case .retry(let at):
                return DeliveryRecord(recipient: recipient, result: .deferred(retryAt: at), status: status, remoteHost: remoteHost,
                                      dkimSelector: selector)
            case .expire:
                return DeliveryRecord(recipient: recipient, result: .bouncedSoft, status: "Expired after \(attempts) attempts; last: \(status)",
                                      remoteHost: remoteHost, dkimSelector: selector)
            }
        }
    }

    private func count(_ records: [DeliveryRecord]) {
        var final = 0
        for record in records {
            switch record.result {
            case .relayed: statistics.record(.relayed); final += 1
            case .deferred: statistics.record(.deferred)
            case .bouncedHard: statistics.record(.bouncedHard); final += 1
            case .bouncedSoft: statistics.record(.bouncedSoft); final += 1
            case .suppressed: statistics.record(.suppressed); final += 1
            }
        }
        statistics.adjustQueueDepth(by: -final)
    }

    /// Waits for a slot of `destination`'s slow-start window (bounded: at most one minute).
    private func acquire(_ destination: String) async {
        for _ in 0..<1_200 {
            if concurrency.withLock({ $0.start(destination) }) { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
        concurrency.withLock { _ = $0.start(destination) }
    }

    /// Signs with the header From domain's ACTIVE key (DKIM d= aligns with From for DMARC); a
    /// domain without one sends unsigned, and the event says so.
    private func sign(_ job: DeliveryJob) async -> ([UInt8], String?) {
        guard let parsed = try? ParsedMessage(parsing: job.body),
              let from = try? parsed.header.mailboxes(in: "From").first,
              let domain = DomainName(from.address.domain),
              let key = try? await store.activeSigningKey(domain: domain.value),
              let privateKey = try? DKIMPrivateKey(pemRepresentation: key.privateKeyPEM),
              let signer = try? DKIMSigner(domain: domain, selector: key.selector, privateKey: privateKey),
              let signed = try? signer.sign(job.body, at: Date()) else {
            return (job.body, nil)
        }
        return (signed, key.selector)
    }
}
