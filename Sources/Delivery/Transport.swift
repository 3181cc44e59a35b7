import EnvoiCore
import SMTPProtocol

/// A way out for accepted mail: the capture mailbox, a relay host, or the recipients' MX hosts.
public protocol Transport: Sendable {
    /// The key deliveries are grouped by for concurrency (a relay host, a recipient domain).
    func destination(of recipient: String) -> String

    /// Delivers one signed message to `recipients` (all of one destination) and says what
    /// happened to each.
    func deliver(_ message: [UInt8], job: DeliveryJob, recipients: [String], dkimSelector: String?) async -> TransportResult

    /// Upkeep while the scheduler runs (closing idle pooled connections); returns once `stop()`
    /// is true, having released what it holds.
    func maintain(until stop: @escaping @Sendable () -> Bool) async
}

extension Transport {
    /// Nothing to keep up.
    public func maintain(until stop: @escaping @Sendable () -> Bool) async {}
}

/// What a transport reports for one attempt.
public struct TransportResult: Sendable, Equatable {
    /// The outcome of each recipient.
    public var outcomes: [String: DeliveryOutcome]
    /// The host that answered, when there was one.
    public var remoteHost: String?

    public init(outcomes: [String: DeliveryOutcome], remoteHost: String?) {
        self.outcomes = outcomes
        self.remoteHost = remoteHost
    }

    /// Every recipient with the same outcome.
    public static func all(_ recipients: [String], _ outcome: DeliveryOutcome, remoteHost: String? = nil) -> TransportResult {
        TransportResult(outcomes: Dictionary(uniqueKeysWithValues: recipients.map { ($0, outcome) }), remoteHost: remoteHost)
    }
}

/// `delivery.mode = capture`: delivered messages are kept, signed, in a local mailbox
/// (`envoi mail list|show|raw`), so an operator sees exactly what would have gone out.
public struct CaptureTransport: Transport {
    private let store: any DeliveryQueueStore
    private let now: @Sendable () -> ContinuousClock.Instant

    public init(store: any DeliveryQueueStore) {
        self.store = store
        self.now = { ContinuousClock.now }
    }

    public func destination(of recipient: String) -> String { "capture" }

    public func deliver(_ message: [UInt8], job: DeliveryJob, recipients: [String], dkimSelector: String?) async -> TransportResult {
        do {
            try await store.keepInMailbox(message, of: job, recipients: recipients, dkimSelector: dkimSelector, now: .now)
            return .all(recipients, .relayed(status: SMTPReply.keptInMailbox.description), remoteHost: "capture")
        } catch {
            return .all(recipients, .deferred(status: SMTPReply.mailboxUnwritable.description))
        }
    }
}
