import Bounces
import EnvoiCore

/// Wraps a transport so that each recipient's copy leaves with its own VERP envelope sender,
/// `bounces+<token>@<delivery.return_path_domain>` (see `ReturnPath`): a bounce or complaint
/// that comes back later names the message and the recipient.
///
/// One envelope sender per recipient means one SMTP transaction per recipient (RFC 5321 §3.3:
/// MAIL FROM is per transaction), the price every VERP sender pays; the inner transport may
/// still reuse its connection for them. The header From, the DKIM signature and the event log
/// keep the original sender: only the envelope changes.
public struct ReturnPathTransport: Transport {
    private let inner: any Transport
    private let returnPath: ReturnPath

    public init(wrapping inner: any Transport, returnPath: ReturnPath) {
        self.inner = inner
        self.returnPath = returnPath
    }

    public func destination(of recipient: String) -> String { inner.destination(of: recipient) }

    /// The inner transport's upkeep (its pooled connections) goes on under the wrapper.
    public func maintain(until stop: @escaping @Sendable () -> Bool) async { await inner.maintain(until: stop) }

    public func deliver(_ message: [UInt8], job: DeliveryJob, recipients: [String], dkimSelector: String?) async -> TransportResult {
        var outcomes: [String: DeliveryOutcome] = [:]
        var remoteHost: String?
        for recipient in recipients {
            var copy = job
            copy.envelopeSender = returnPath.address(queueID: job.queueID, recipient: recipient) ?? job.envelopeSender
            let result = await inner.deliver(message, job: copy, recipients: [recipient], dkimSelector: dkimSelector)
            outcomes.merge(result.outcomes) { _, latest in latest }
            remoteHost = result.remoteHost ?? remoteHost
        }
        return TransportResult(outcomes: outcomes, remoteHost: remoteHost)
    }
}
