import EnvoiCore
import Foundation

/// `DeliveryQueueStore` on SQLite: each requirement runs the synchronous operation of the same
/// name (`ControlPlaneStore+Delivery`) on a worker thread, because a GRDB call blocks its thread
/// and must not hold a cooperative-pool thread or an event loop.
///
/// These are overloads by `async` alone: an `async` caller (the scheduler, through the protocol)
/// gets these, synchronous code gets the synchronous ones, and inside `Blocking.run`'s
/// synchronous closure the call resolves to the synchronous body, so there is one body each.
extension ControlPlaneStore: DeliveryQueueStore {
    public func claimDueDeliveries(now: Date, limit: Int, lease: TimeInterval) async throws -> [DeliveryJob] {
        try await Blocking.run { [self] in try claimDueDeliveries(now: now, limit: limit, lease: lease) }
    }

    public func recordDeliveries(_ records: [DeliveryRecord], of job: DeliveryJob, now: Date) async throws {
        try await Blocking.run { [self] in try recordDeliveries(records, of: job, now: now) }
    }

    public func activeSigningKey(domain: String) async throws -> (selector: String, privateKeyPEM: String)? {
        try await Blocking.run { [self] in try activeSigningKey(domain: domain) }
    }

    public func isSuppressed(_ address: String) async throws -> Bool {
        try await Blocking.run { [self] in try isSuppressed(address) }
    }

    public func releaseAllLeases() async throws {
        try await Blocking.run { [self] in try releaseAllLeases() }
    }

    public func purgeEvents(before cutoff: Date) async throws -> Int {
        try await Blocking.run { [self] in try purgeEvents(before: cutoff) }
    }

    public func keepInMailbox(_ message: [UInt8], of job: DeliveryJob, recipients: [String], dkimSelector: String?,
                              now: Date) async throws {
        try await Blocking.run { [self] in
            try keepInMailbox(message, of: job, recipients: recipients, dkimSelector: dkimSelector, now: now)
        }
    }
}
