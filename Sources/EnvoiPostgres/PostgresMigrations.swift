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
        Migration(version: 3, name: "dkim-mailbox", statements: [
            // Email domains and their DKIM keys, with every column of the SQLite tables (v1, v6,
            // v7, v8 there). No compartment table exists here yet, so compartment_id has no
            // foreign key. Names are unique without regard to case (SQLite's COLLATE NOCASE).
            """
            CREATE TABLE email_domain (
                id TEXT PRIMARY KEY,
                compartment_id TEXT NOT NULL,
                name TEXT NOT NULL,
                lifecycle_state TEXT NOT NULL,
                active_dkim_id TEXT,
                is_spf BOOLEAN NOT NULL,
                domain_verification_status TEXT NOT NULL,
                description TEXT,
                time_created TIMESTAMPTZ NOT NULL,
                freeform_tags TEXT NOT NULL DEFAULT '{}',
                defined_tags TEXT NOT NULL DEFAULT '{}',
                locks TEXT NOT NULL DEFAULT '[]'
            )
            """,
            "CREATE UNIQUE INDEX email_domain_name ON email_domain (lower(name))",
            // private_key is sealed under the master key (EnvoiSecrets `SecretBox`), never in clear.
            """
            CREATE TABLE dkim (
                id TEXT PRIMARY KEY,
                email_domain_id TEXT NOT NULL REFERENCES email_domain (id) ON DELETE CASCADE,
                compartment_id TEXT NOT NULL,
                name TEXT NOT NULL,
                lifecycle_state TEXT NOT NULL,
                lifecycle_details TEXT,
                description TEXT,
                algorithm TEXT NOT NULL,
                key_length INTEGER NOT NULL,
                is_imported BOOLEAN NOT NULL,
                private_key BYTEA NOT NULL,
                dns_subdomain_name TEXT NOT NULL,
                cname_record_value TEXT NOT NULL,
                txt_record_value TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL,
                time_updated TIMESTAMPTZ NOT NULL,
                freeform_tags TEXT NOT NULL DEFAULT '{}',
                defined_tags TEXT NOT NULL DEFAULT '{}'
            )
            """,
            "CREATE UNIQUE INDEX dkim_selector ON dkim (email_domain_id, lower(name))",
            // At most one ACTIVE key per domain, enforced by the database as well as the rules.
            "CREATE UNIQUE INDEX dkim_one_active ON dkim (email_domain_id) WHERE lifecycle_state = 'ACTIVE'",
            // The capture transport's local mailbox: what would have gone out, signed.
            """
            CREATE TABLE mailbox (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                queue_id TEXT NOT NULL,
                message_id TEXT,
                envelope_sender TEXT NOT NULL,
                recipients TEXT NOT NULL,
                dkim_selector TEXT,
                size BIGINT NOT NULL,
                body BYTEA NOT NULL,
                time_delivered TIMESTAMPTZ NOT NULL
            )
            """,
            // One copy per delivery of a message to a set of recipients, even when two attempts
            // race (a redelivery after a crash); md5 keeps the key short however many recipients.
            "CREATE UNIQUE INDEX mailbox_delivery ON mailbox (queue_id, md5(recipients))",
        ]),
        Migration(version: 4, name: "intake-limits", statements: [
            // The tenancy's send limits, as SQLite's tenancy has them (v1 there). The defaults are
            // EnvoiCore's `SendLimits.default` when this migration was written (a migration never
            // reads application types): 1,000 recipients a minute, 100,000 a day, 10 MiB messages.
            "ALTER TABLE tenancy ADD COLUMN messages_per_minute INTEGER NOT NULL DEFAULT 1000",
            "ALTER TABLE tenancy ADD COLUMN messages_per_day INTEGER NOT NULL DEFAULT 100000",
            "ALTER TABLE tenancy ADD COLUMN max_message_size INTEGER NOT NULL DEFAULT 10485760",
            // Accepted recipients per second, every node's together: what the limits count.
            """
            CREATE TABLE send_usage (
                second BIGINT PRIMARY KEY,
                recipients INTEGER NOT NULL
            )
            """,
            // Answers to HTTPS submissions that named a messageId, kept 24 hours for retries.
            """
            CREATE TABLE api_submission (
                user_id TEXT NOT NULL,
                message_id TEXT NOT NULL,
                response TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (user_id, message_id)
            )
            """,
            "CREATE INDEX api_submission_time ON api_submission (time_created)",
        ]),
        Migration(version: 5, name: "identity-senders-credentials", statements: [
            // What the intake's authorisation reads (EnvoiCore `SendAuthorization`): the
            // compartment tree, users and groups, policies, approved senders and SMTP
            // credentials, with the columns of the SQLite tables (v1, v6, v7 there). Names that
            // SQLite compares with COLLATE NOCASE are unique on lower(name) here.
            """
            CREATE TABLE compartment (
                id TEXT PRIMARY KEY,
                compartment_id TEXT REFERENCES compartment (id) ON DELETE RESTRICT,
                name TEXT NOT NULL,
                description TEXT NOT NULL,
                lifecycle_state TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX compartment_name ON compartment (compartment_id, lower(name))",
            """
            CREATE TABLE app_user (
                id TEXT PRIMARY KEY,
                compartment_id TEXT NOT NULL REFERENCES compartment (id) ON DELETE RESTRICT,
                name TEXT NOT NULL,
                description TEXT NOT NULL,
                lifecycle_state TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX app_user_name ON app_user (lower(name))",
            """
            CREATE TABLE app_group (
                id TEXT PRIMARY KEY,
                compartment_id TEXT NOT NULL REFERENCES compartment (id) ON DELETE RESTRICT,
                name TEXT NOT NULL,
                description TEXT NOT NULL,
                lifecycle_state TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX app_group_name ON app_group (lower(name))",
            """
            CREATE TABLE group_member (
                group_id TEXT NOT NULL REFERENCES app_group (id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
                PRIMARY KEY (group_id, user_id)
            )
            """,
            "CREATE INDEX group_member_user ON group_member (user_id)",
            // statements: a JSON array of strings, as in SQLite.
            """
            CREATE TABLE policy (
                id TEXT PRIMARY KEY,
                compartment_id TEXT NOT NULL REFERENCES compartment (id) ON DELETE RESTRICT,
                name TEXT NOT NULL,
                description TEXT NOT NULL,
                statements TEXT NOT NULL,
                lifecycle_state TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX policy_name ON policy (compartment_id, lower(name))",
            // password_hash is the PBKDF2 hash sealed under the master key (EnvoiSecrets
            // `SecretBox.passwordHashContext`), never in clear.
            """
            CREATE TABLE smtp_credential (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
                username TEXT NOT NULL UNIQUE,
                password_hash BYTEA NOT NULL,
                description TEXT NOT NULL,
                lifecycle_state TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL,
                time_expires TIMESTAMPTZ
            )
            """,
            "CREATE INDEX smtp_credential_user ON smtp_credential (user_id)",
            """
            CREATE TABLE sender (
                id TEXT PRIMARY KEY,
                compartment_id TEXT NOT NULL REFERENCES compartment (id) ON DELETE RESTRICT,
                email_address TEXT NOT NULL,
                email_domain_id TEXT REFERENCES email_domain (id) ON DELETE SET NULL,
                is_spf BOOLEAN NOT NULL,
                lifecycle_state TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL,
                freeform_tags TEXT NOT NULL DEFAULT '{}',
                defined_tags TEXT NOT NULL DEFAULT '{}',
                locks TEXT NOT NULL DEFAULT '[]'
            )
            """,
            "CREATE UNIQUE INDEX sender_address ON sender (lower(email_address))",
            "CREATE INDEX sender_compartment ON sender (compartment_id, time_created)",
        ]),
        Migration(version: 6, name: "queue-lease-owner", statements: [
            // Which node holds a lease, so that a node starting up frees only the leases it held
            // before it stopped and leaves those of live nodes to expire. Leases taken before
            // this version have no owner and are freed by expiry alone.
            "ALTER TABLE queue_entry ADD COLUMN leased_by TEXT",
            // Start-up looks up one node's leases; few rows are leased at any time.
            "CREATE INDEX queue_entry_leased_by ON queue_entry (leased_by) WHERE leased_by IS NOT NULL",
        ]),
        Migration(version: 7, name: "https-control-plane", statements: [
            // What the HTTPS control plane reads and writes beyond migration 5, with the columns
            // of the SQLite tables (v1, v4, v9 there). public_key is the PEM sealed under the
            // master key (context `api_key.public_key/<id>`), as in SQLite.
            """
            CREATE TABLE api_key (
                id TEXT PRIMARY KEY,
                user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
                fingerprint TEXT NOT NULL,
                public_key BYTEA NOT NULL,
                lifecycle_state TEXT NOT NULL,
                time_created TIMESTAMPTZ NOT NULL,
                UNIQUE (user_id, fingerprint)
            )
            """,
            // Work requests of email domain and DKIM operations (completed synchronously:
            // SUCCEEDED); resources is a JSON array, as in SQLite.
            """
            CREATE TABLE work_request (
                id TEXT PRIMARY KEY,
                compartment_id TEXT NOT NULL,
                operation_type TEXT NOT NULL,
                status TEXT NOT NULL,
                resources TEXT NOT NULL,
                percent_complete DOUBLE PRECISION NOT NULL,
                time_accepted TIMESTAMPTZ NOT NULL,
                time_started TIMESTAMPTZ,
                time_finished TIMESTAMPTZ
            )
            """,
            "CREATE INDEX work_request_compartment ON work_request (compartment_id, time_accepted)",
            """
            CREATE TABLE work_request_log (
                id BIGSERIAL PRIMARY KEY,
                work_request_id TEXT NOT NULL REFERENCES work_request (id) ON DELETE CASCADE,
                message TEXT NOT NULL,
                timestamp TIMESTAMPTZ NOT NULL
            )
            """,
            "CREATE INDEX work_request_log_request ON work_request_log (work_request_id)",
            // Answers given under opc-retry-tokens, per user, kept 24 hours; the body is sealed.
            """
            CREATE TABLE api_retry_token (
                user_id TEXT NOT NULL,
                token TEXT NOT NULL,
                request TEXT NOT NULL,
                status INTEGER NOT NULL,
                body BYTEA NOT NULL,
                etag TEXT,
                work_request_id TEXT,
                time_created TIMESTAMPTZ NOT NULL,
                PRIMARY KEY (user_id, token)
            )
            """,
            "CREATE INDEX api_retry_token_time ON api_retry_token (time_created)",
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
