import Logging
import PostgresNIO

/// The PostgreSQL schema, as versioned migrations applied in order, each in one transaction and
/// recorded in `schema_migrations`. Append-only, like the SQLite store's (GRDB's rule): a
/// released migration is never edited, a change is a new one. The tables mirror the SQLite
/// store's (EnvoiStore `Migrations`), with PostgreSQL's types: `timestamptz` for times, `bytea`
/// for bodies.
enum PostgresMigrations {
    struct Migration: Sendable {
        var version: Int
        var name: String
        /// One statement each: the extended query protocol runs one at a time.
        var statements: [String]
    }

    /// The key of the transaction-scoped advisory lock that serialises migrations, so that two
    /// nodes starting at once on a new database do not both create the tables. ("envoi" as hex.)
    static let lockKey: Int64 = 0x656E_766F_69

    static let all: [Migration] = [
        Migration(version: 1, name: "tenancy-suppressions", statements: [
            """
            CREATE TABLE tenancy (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL
            )
            """,
            """
            CREATE TABLE suppression (
                id TEXT PRIMARY KEY,
                email_address TEXT NOT NULL UNIQUE,
                reason TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL,
                time_last_suppressed TIMESTAMPTZ NOT NULL,
                message_id TEXT,
                error_detail TEXT,
                error_source TEXT
            )
            """,
            "CREATE INDEX suppression_reason ON suppression (reason, email_address)",
            "CREATE INDEX suppression_time ON suppression (time_created)",
        ]),
        Migration(version: 2, name: "queue-events", statements: [
            // One row per accepted message; the body is dropped once every recipient is final.
            """
            CREATE TABLE message (
                id TEXT PRIMARY KEY,
                message_id TEXT,
                user_id TEXT NOT NULL,
                compartment_id TEXT,
                envelope_sender TEXT NOT NULL,
                source TEXT NOT NULL,
                client TEXT,
                size BIGINT NOT NULL,
                body BYTEA,
                time_received TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX message_message_id ON message (message_id)",
            // One row per (message, recipient) to deliver; a node leases what it delivers, and a
            // dead node's lease expires.
            """
            CREATE TABLE queue_entry (
                queue_id TEXT NOT NULL REFERENCES message (id) ON DELETE CASCADE,
                recipient TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt TIMESTAMPTZ NOT NULL,
                last_reply TEXT,
                lease_until TIMESTAMPTZ,
                PRIMARY KEY (queue_id, recipient)
            )
            """,
            "CREATE INDEX queue_entry_due ON queue_entry (next_attempt) WHERE state = 'QUEUED'",
            // The delivery event log (purged after 14 days).
            """
            CREATE TABLE event (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                time TIMESTAMPTZ NOT NULL,
                type TEXT NOT NULL,
                queue_id TEXT,
                message_id TEXT,
                envelope_sender TEXT,
                recipient TEXT,
                status TEXT,
                error_type TEXT,
                dkim_selector TEXT,
                source TEXT
            )
            """,
            "CREATE INDEX event_time ON event (time)",
            "CREATE INDEX event_message_id ON event (message_id)",
            "CREATE INDEX event_recipient ON event (recipient)",
            // Consecutive soft bounces per recipient; enough in a row make a SOFTBOUNCE suppression.
            """
            CREATE TABLE soft_bounce (
                email_address TEXT PRIMARY KEY,
                count INTEGER NOT NULL
            )
            """,
        ]),
    ]
}

extension PostgresStore {
    /// Applies the migrations this database lacks, each in its own transaction under an advisory
    /// lock; returns the versions applied now. Throws `newerSchema` for a database that a newer
    /// Envoi migrated.
    @discardableResult
    public func migrate() async throws -> [Int] {
        var applied: [Int] = []
        for migration in PostgresMigrations.all {
            let done = try await transaction { connection in
                _ = try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMigrations.lockKey))", logger: logger).collect()
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        time_applied TIMESTAMPTZ NOT NULL DEFAULT now()
                    )
                    """, logger: logger)
                let latest = try await connection.query("SELECT COALESCE(max(version), 0) FROM schema_migrations", logger: logger)
                    .collect().first?.decode(Int.self) ?? 0
                if latest > PostgresMigrations.all.count { throw PostgresStoreError.newerSchema(latest) }
                guard latest < migration.version else { return false }
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                                           logger: logger)
                return true
            }
            if done { applied.append(migration.version) }
        }
        return applied
    }
}
