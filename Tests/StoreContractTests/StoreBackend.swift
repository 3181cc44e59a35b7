import EnvoiCore
import Foundation
import Testing

/// The backends every contract test runs against, with the same assertions.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A new, empty, initialised store of this backend for one test, removed after `body`.
    func withStore(clock: TestClock = TestClock(), softBounceLimit: Int = ControlPlaneDefaults.softBounceLimit,
                   _ body: (any ContractStore) async throws -> Void) async throws {
        switch self {
        case .sqlite: try await SQLiteContractStore.with(clock: clock, softBounceLimit: softBounceLimit, body)
        case .postgres: try await PostgresContractStore.with(clock: clock, softBounceLimit: softBounceLimit, body)
        }
    }
}

/// What the contract tests drive: the suppression list (EnvoiCore's `SuppressionStore`) and the
/// queue operations of `DeliveryQueueStore` that the PostgreSQL store implements so far, awaited
/// on both backends (the SQLite store's synchronous methods run on a worker, as the scheduler
/// runs them).
protocol ContractStore: SuppressionStore {
    func claimDueDeliveries(now: Date, limit: Int, lease: TimeInterval) async throws -> [DeliveryJob]
    func recordDeliveries(_ records: [DeliveryRecord], of job: DeliveryJob, now: Date) async throws
    func releaseAllLeases() async throws
    func isSuppressed(_ address: String) async throws -> Bool
    func purgeEvents(before cutoff: Date) async throws -> Int
    /// Queues a message from `a@example.com` to `recipients`, due at the clock's time; its queue id.
    func enqueue(recipients: [String]) async throws -> String
}

/// A clock that moves one second forward each time it is read, from a whole second, so that
/// rows get distinct times that both databases store exactly.
final class TestClock: Sendable {
    private let current = Locked(Date(timeIntervalSince1970: 1_800_000_000))

    /// The next time (one second after the last one read).
    @Sendable func now() -> Date {
        current.withLock { time in
            time.addTimeInterval(1)
            return time
        }
    }
}

/// The error a backend's code of a `ControlPlaneError` thrown by `body`, or nil.
func controlPlaneErrorCode(_ body: () async throws -> Void) async -> ControlPlaneError.Code? {
    do { try await body() } catch let error as ControlPlaneError { return error.code } catch { return nil }
    return nil
}
