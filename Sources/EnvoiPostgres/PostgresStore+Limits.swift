import EnvoiCore
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
