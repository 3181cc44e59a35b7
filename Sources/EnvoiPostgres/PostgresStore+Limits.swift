import EnvoiCore
import Foundation
import PostgresNIO

/// The tenancy's send limits on PostgreSQL, the same rules as the SQLite store's
/// (EnvoiStore `ControlPlaneStore+Tenancy`): every node reads them in each intake transaction,
/// so a change takes effect cluster-wide with the next commit.
extension PostgresStore {
    /// The tenancy's send limits.
    public func limits() async throws -> SendLimits {
        try await client.withConnection { connection in try await Self.limits(connection, logger, forUpdate: false) }
    }

    /// Changes the given limits; the others keep their values.
    @discardableResult
    public func setLimits(messagesPerMinute: Int? = nil, messagesPerDay: Int? = nil, maxMessageSize: Int? = nil) async throws -> SendLimits {
        try await transaction { connection in
            var limits = try await Self.limits(connection, logger, forUpdate: true)
            if let messagesPerMinute { limits.messagesPerMinute = messagesPerMinute }
            if let messagesPerDay { limits.messagesPerDay = messagesPerDay }
            if let maxMessageSize { limits.maxMessageSize = maxMessageSize }
            try limits.validate()
            try await connection.query("""
                UPDATE tenancy SET messages_per_minute = \(limits.messagesPerMinute), messages_per_day = \(limits.messagesPerDay),
                max_message_size = \(limits.maxMessageSize)
                """, logger: logger)
            return limits
        }
    }

    /// Recipients accepted by every node in the last minute and day, as the limits count them.
    /// For the intake's early answer at MAIL FROM and RCPT TO only: read without the tenancy
    /// row's lock, a concurrent commit may land just after it, so it can only estimate. The
    /// commit's locked re-check (`commitBatch`) is what guarantees the limits.
    public func usage() async throws -> (minute: Int, day: Int) {
        let second = Int64(now().timeIntervalSince1970)
        return try await client.withConnection { connection in try await Self.usage(connection, logger, at: second) }
    }

    /// The usage of the minute and the day ending at `second`, one indexed range sum over
    /// `send_usage`. Counted from the window's start with no upper bound, so that seconds stamped
    /// by a node whose clock runs ahead still count.
    static func usage(_ connection: PostgresConnection, _ logger: Logger, at second: Int64) async throws -> (minute: Int, day: Int) {
        let rows = try await connection.query("""
            SELECT coalesce(sum(recipients) FILTER (WHERE second >= \(SendRateWindow.minuteStart(at: second))), 0),
                   coalesce(sum(recipients), 0)
            FROM send_usage WHERE second >= \(SendRateWindow.dayStart(at: second))
            """, logger: logger).collect()
        return try rows.first?.decode((Int, Int).self) ?? (0, 0)
    }

    /// Every node's usage as a `SendRateWindow` at the store's time: the last two minutes by the
    /// second (the sliding minute and the recent rate), the rest of the day by the minute (the
    /// day and the 60-minute history) — at most about 1,560 rows, so that it can be read every
    /// second. Only for showing usage; the limits are enforced by `commitBatch`.
    public func sendRateWindow() async throws -> (window: SendRateWindow, second: Int64) {
        let second = Int64(now().timeIntervalSince1970)
        let bySecondFrom = second - 2 * SendRateWindow.minuteSpan
        let rows = try await client.query("""
            SELECT CASE WHEN second < \(bySecondFrom) THEN second - second % 60 ELSE second END AS at, sum(recipients)::bigint
            FROM send_usage WHERE second >= \(SendRateWindow.dayStart(at: second)) GROUP BY at ORDER BY at
            """, logger: logger).collect()
        var window = SendRateWindow()
        for row in rows {
            let (at, recipients) = try row.decode((Int64, Int64).self)
            window.record(Int(recipients), at: at)
        }
        return (window, second)
    }

    /// The limits of the tenancy row; with `forUpdate`, the row stays locked until the transaction
    /// ends — the lock that serialises intake commits across nodes (`PostgresQueueWriter`).
    static func limits(_ connection: PostgresConnection, _ logger: Logger, forUpdate: Bool) async throws -> SendLimits {
        let rows = try await connection.query("""
            SELECT messages_per_minute, messages_per_day, max_message_size FROM tenancy LIMIT 1 \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, logger: logger).collect()
        guard let row = rows.first else { throw PostgresStoreError.notInitialised }
        let (perMinute, perDay, maxSize) = try row.decode((Int, Int, Int).self)
        return SendLimits(messagesPerMinute: perMinute, messagesPerDay: perDay, maxMessageSize: maxSize)
    }
}
