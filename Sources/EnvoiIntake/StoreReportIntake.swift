import Bounces
import EnvoiCore
import Foundation

/// The `ReportIntake` over a store (SQLite or PostgreSQL): return-path tokens are checked against
/// the recipients of the message they name, and reports are classified (`ReportVerdict`) and
/// recorded.
public final class StoreReportIntake: ReportIntake {
    private let store: any ReportStore
    private let returnPath: ReturnPath

    public init(store: any ReportStore, returnPath: ReturnPath) {
        self.store = store
        self.returnPath = returnPath
    }

    public var returnPathDomain: String { returnPath.domain }

    public func checkReturnPath(_ address: EmailAddress) async -> ReturnPathDecision {
        do {
            return try await recipient(of: address) == nil ? .unknown : .accepted
        } catch {
            return .temporaryFailure
        }
    }

    public func receiveReport(_ report: InboundReport) async -> ReportOutcome {
        let verdict = ReportVerdict.classify(report.message)
        guard case .record(let outcome, let detail, let source) = verdict else {
            if case .ignore(let reason) = verdict { return .ignored(reason) }
            return .ignored("")
        }
        do {
            var recorded = 0
            for address in report.returnPaths {
                // Checked again: the RCPT answer was given before the message arrived.
                guard let (queueID, recipient) = try await recipient(of: address) else { continue }
                let origin = source ?? report.clientIdentity
                if try await store.recordReport(queueID: queueID, recipient: recipient, outcome: outcome, detail: detail, source: origin) {
                    recorded += 1
                }
            }
            return recorded > 0 ? .recorded(recorded) : .ignored("no known recipient")
        } catch {
            return .storageFailure
        }
    }

    /// The queue id and recipient a return path names, when its tag is valid for one of the
    /// message's recipients.
    private func recipient(of address: EmailAddress) async throws -> (String, String)? {
        guard let token = returnPath.token(of: address) else { return nil }
        guard let candidates = try await store.recipients(ofQueueID: token.queueID) else { return nil }
        return returnPath.recipient(of: token, among: candidates).map { (token.queueID, $0) }
    }
}
