import EnvoiCore
import Foundation
import PostgresNIO

/// The delivery queue on PostgreSQL, shared by several nodes: each claims due recipients with
/// `FOR UPDATE SKIP LOCKED` (rows another node is claiming are passed over, not waited for) and
/// leases them, so that a node that dies mid-delivery leaves them to the others once the lease
/// expires. Each lease names the node that holds it (`leased_by`), so that a node restarting
/// frees its own and no other's. EnvoiCore's `DeliveryQueueStore`, with the same operations and outcomes as the SQLite
/// store; the signing key and the mailbox are in `+Dkim` and `+Mailbox`.
extension PostgresStore: DeliveryQueueStore {
    /// Claims up to `limit` due recipients, grouped by message, leasing them to this node until
    /// `now + lease`.
    public func claimDueDeliveries(now: Date, limit: Int, lease: TimeInterval) async throws -> [DeliveryJob] {
        try await transaction { connection in
            // One statement: the due rows are locked as they are chosen and leased at once;
            // rows locked by another claimer are skipped, so no recipient is claimed twice.
            let claimed = try await connection.query("""
                WITH due AS (
                    SELECT queue_id, recipient FROM queue_entry
                    WHERE state = 'QUEUED' AND next_attempt <= \(now) AND (lease_until IS NULL OR lease_until <= \(now))
                    ORDER BY next_attempt LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE queue_entry SET lease_until = \(now.addingTimeInterval(lease)), leased_by = \(node)
                FROM due WHERE queue_entry.queue_id = due.queue_id AND queue_entry.recipient = due.recipient
                RETURNING queue_entry.queue_id, queue_entry.recipient, queue_entry.attempts, queue_entry.next_attempt
                """, logger: logger).collect()
                .map { try $0.decode((String, String, Int, Date).self) }
                .sorted { ($0.3, $0.0, $0.1) < ($1.3, $1.0, $1.1) }  // RETURNING has no order: due first
            var order: [String] = []
            var recipients: [String: [(String, Int)]] = [:]
            for (queueID, recipient, attempts, _) in claimed {
                if recipients[queueID] == nil { order.append(queueID) }
                recipients[queueID, default: []].append((recipient, attempts))
            }
            guard !order.isEmpty else { return [] }
            let messages = try await connection.query("""
                SELECT id, message_id, envelope_sender, body, time_received FROM message WHERE id = ANY(\(order))
                """, logger: logger).collect()
                .map { try $0.decode((String, String?, String, ByteBuffer?, Date).self) }
            let byID = Dictionary(messages.map { ($0.0, $0) }, uniquingKeysWith: { first, _ in first })
            return order.compactMap { queueID -> DeliveryJob? in
                // A message whose body is gone has nothing left to deliver (as in the SQLite store).
                guard let message = byID[queueID], let body = message.3 else { return nil }
                let entries = recipients[queueID] ?? []
                return DeliveryJob(queueID: queueID, messageID: message.1, envelopeSender: message.2, recipients: entries.map(\.0),
                                   attempts: Dictionary(entries, uniquingKeysWith: { first, _ in first }),
                                   body: Array(body.readableBytesView), timeReceived: message.4)
            }
        }
    }

    /// Frees the leases this node holds: called on start-up, they are what its previous run left
    /// behind when it stopped, due again at once. The leases of other nodes are left alone: a
    /// live node may be delivering those recipients now, and freeing them would deliver them
    /// twice; a dead node's expire.
    public func releaseAllLeases() async throws {
        try await client.query("UPDATE queue_entry SET lease_until = NULL, leased_by = NULL WHERE leased_by = \(node)", logger: logger)
    }

    /// True when `address` is on the suppression list now.
    public func isSuppressed(_ address: String) async throws -> Bool {
        let rows = try await client.query("SELECT 1 FROM suppression WHERE email_address = \(address.lowercased())",
                                          logger: logger).collect()
        return !rows.isEmpty
    }

    /// Which of `addresses` (normalised as the suppression list stores them) are suppressed, in
    /// one query.
    public func suppressed(among addresses: [String]) async throws -> Set<String> {
        let rows = try await client.query("SELECT email_address FROM suppression WHERE email_address = ANY(\(addresses))",
                                          logger: logger).collect()
        return Set(try rows.map { try $0.decode(String.self) })
    }

    /// Deletes events older than `cutoff` (BEHAVIOUR.md §7); returns how many. Every node's
    /// scheduler asks hourly, but one node at a time purges (`runExclusively`); a node that finds
    /// the job running elsewhere purges nothing and returns 0.
    public func purgeEvents(before cutoff: Date) async throws -> Int {
        try await runExclusively(Self.purgeEventsJob) {
            let rows = try await client.query("""
                WITH purged AS (DELETE FROM event WHERE time < \(cutoff) RETURNING 1) SELECT count(*) FROM purged
                """, logger: logger).collect()
            return try rows.first?.decode(Int.self) ?? 0
        } ?? 0
    }
}
