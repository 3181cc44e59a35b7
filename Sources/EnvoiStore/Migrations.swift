import GRDB

/// The schema, as versioned migrations. A released migration is never edited: a change is a new
/// migration appended at the end (GRDB's rule), and no migration refers to application types.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-control-plane") { db in
            try db.execute(sql: """
                CREATE TABLE tenancy (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    time_created DATETIME NOT NULL,
                    messages_per_minute INTEGER NOT NULL,
                    messages_per_day INTEGER NOT NULL,
                    max_message_size INTEGER NOT NULL
                );
                CREATE TABLE compartment (
                    id TEXT PRIMARY KEY NOT NULL,
                    compartment_id TEXT REFERENCES compartment(id) ON DELETE RESTRICT,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    lifecycle_state TEXT NOT NULL,
                    time_created DATETIME NOT NULL
                );
                CREATE UNIQUE INDEX compartment_name ON compartment(compartment_id, name COLLATE NOCASE);
                CREATE TABLE app_user (
                    id TEXT PRIMARY KEY NOT NULL,
                    compartment_id TEXT NOT NULL REFERENCES compartment(id) ON DELETE RESTRICT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    description TEXT NOT NULL,
                    lifecycle_state TEXT NOT NULL,
                    time_created DATETIME NOT NULL
                );
                CREATE TABLE app_group (
                    id TEXT PRIMARY KEY NOT NULL,
                    compartment_id TEXT NOT NULL REFERENCES compartment(id) ON DELETE RESTRICT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    description TEXT NOT NULL,
                    lifecycle_state TEXT NOT NULL,
                    time_created DATETIME NOT NULL
                );
                CREATE TABLE group_member (
                    group_id TEXT NOT NULL REFERENCES app_group(id) ON DELETE CASCADE,
                    user_id TEXT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
                    PRIMARY KEY (group_id, user_id)
                );
                CREATE INDEX group_member_user ON group_member(user_id);
                CREATE TABLE policy (
                    id TEXT PRIMARY KEY NOT NULL,
                    compartment_id TEXT NOT NULL REFERENCES compartment(id) ON DELETE RESTRICT,
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    statements TEXT NOT NULL,
                    lifecycle_state TEXT NOT NULL,
                    time_created DATETIME NOT NULL
                );
                CREATE UNIQUE INDEX policy_name ON policy(compartment_id, name COLLATE NOCASE);
                CREATE TABLE smtp_credential (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
                    username TEXT NOT NULL UNIQUE,
                    password_hash BLOB NOT NULL,
                    description TEXT NOT NULL,
                    lifecycle_state TEXT NOT NULL,
                    time_created DATETIME NOT NULL,
                    time_expires DATETIME
                );
                CREATE INDEX smtp_credential_user ON smtp_credential(user_id);
                CREATE TABLE api_key (
                    id TEXT PRIMARY KEY NOT NULL,
                    user_id TEXT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
                    fingerprint TEXT NOT NULL,
                    public_key BLOB NOT NULL,
                    lifecycle_state TEXT NOT NULL,
                    time_created DATETIME NOT NULL,
                    UNIQUE (user_id, fingerprint)
                );
                CREATE TABLE email_domain (
                    id TEXT PRIMARY KEY NOT NULL,
                    compartment_id TEXT NOT NULL REFERENCES compartment(id) ON DELETE RESTRICT,
                    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                    lifecycle_state TEXT NOT NULL,
                    active_dkim_id TEXT,
                    is_spf BOOLEAN NOT NULL,
                    domain_verification_status TEXT NOT NULL,
                    description TEXT,
                    time_created DATETIME NOT NULL
                );
                CREATE TABLE dkim (
                    id TEXT PRIMARY KEY NOT NULL,
                    email_domain_id TEXT NOT NULL REFERENCES email_domain(id) ON DELETE CASCADE,
                    compartment_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    lifecycle_state TEXT NOT NULL,
                    lifecycle_details TEXT,
                    description TEXT,
                    algorithm TEXT NOT NULL,
                    key_length INTEGER NOT NULL,
                    is_imported BOOLEAN NOT NULL,
                    private_key BLOB NOT NULL,
                    dns_subdomain_name TEXT NOT NULL,
                    cname_record_value TEXT NOT NULL,
                    txt_record_value TEXT NOT NULL,
                    time_created DATETIME NOT NULL,
                    time_updated DATETIME NOT NULL
                );
                CREATE UNIQUE INDEX dkim_selector ON dkim(email_domain_id, name COLLATE NOCASE);
                -- At most one ACTIVE key per domain, enforced by the database as well as the rules.
                CREATE UNIQUE INDEX dkim_one_active ON dkim(email_domain_id) WHERE lifecycle_state = 'ACTIVE';
                CREATE TABLE sender (
                    id TEXT PRIMARY KEY NOT NULL,
                    compartment_id TEXT NOT NULL REFERENCES compartment(id) ON DELETE RESTRICT,
                    email_address TEXT NOT NULL,
                    email_domain_id TEXT REFERENCES email_domain(id) ON DELETE SET NULL,
                    is_spf BOOLEAN NOT NULL,
                    lifecycle_state TEXT NOT NULL,
                    time_created DATETIME NOT NULL
                );
                CREATE UNIQUE INDEX sender_address ON sender(lower(email_address));
                CREATE INDEX sender_compartment ON sender(compartment_id, time_created);
                CREATE TABLE suppression (
                    id TEXT PRIMARY KEY NOT NULL,
                    email_address TEXT NOT NULL UNIQUE,
                    reason TEXT NOT NULL,
                    time_created DATETIME NOT NULL,
                    time_last_suppressed DATETIME NOT NULL,
                    message_id TEXT,
                    error_detail TEXT,
                    error_source TEXT
                );
                CREATE INDEX suppression_reason ON suppression(reason, email_address);
                CREATE INDEX suppression_time ON suppression(time_created);
                """)
        }
        migrator.registerMigration("v2-queue-events-usage") { db in
            try db.execute(sql: """
                -- One row per accepted message; the body is dropped once every recipient is final.
                CREATE TABLE message (
                    id TEXT PRIMARY KEY NOT NULL,
                    message_id TEXT,
                    user_id TEXT NOT NULL,
                    compartment_id TEXT,
                    envelope_sender TEXT NOT NULL,
                    source TEXT NOT NULL,
                    client TEXT,
                    size INTEGER NOT NULL,
                    body BLOB,
                    time_received DATETIME NOT NULL
                );
                CREATE INDEX message_message_id ON message(message_id);
                -- One row per (message, recipient) to deliver: the delivery queue.
                CREATE TABLE queue_entry (
                    queue_id TEXT NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                    recipient TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt DATETIME NOT NULL,
                    last_reply TEXT,
                    PRIMARY KEY (queue_id, recipient)
                );
                CREATE INDEX queue_entry_due ON queue_entry(next_attempt) WHERE state = 'QUEUED';
                -- The delivery event log (purged after 14 days).
                CREATE TABLE event (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time DATETIME NOT NULL,
                    type TEXT NOT NULL,
                    queue_id TEXT,
                    message_id TEXT,
                    envelope_sender TEXT,
                    recipient TEXT,
                    status TEXT,
                    error_type TEXT,
                    dkim_selector TEXT,
                    source TEXT
                );
                CREATE INDEX event_time ON event(time);
                CREATE INDEX event_message_id ON event(message_id);
                CREATE INDEX event_recipient ON event(recipient);
                -- Accepted recipients per second, the persisted side of the send-rate windows.
                CREATE TABLE send_usage (
                    second INTEGER PRIMARY KEY NOT NULL,
                    recipients INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-delivery") { db in
            try db.execute(sql: """
                -- A worker leases the entries it is delivering; a dead worker's lease expires.
                ALTER TABLE queue_entry ADD COLUMN lease_until DATETIME;
                -- The capture transport's local mailbox: what would have gone out, signed.
                CREATE TABLE mailbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    queue_id TEXT NOT NULL,
                    message_id TEXT,
                    envelope_sender TEXT NOT NULL,
                    recipients TEXT NOT NULL,
                    dkim_selector TEXT,
                    size INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    time_delivered DATETIME NOT NULL
                );
                -- Consecutive soft bounces per recipient; enough in a row make a SOFTBOUNCE suppression.
                CREATE TABLE soft_bounce (
                    email_address TEXT PRIMARY KEY NOT NULL,
                    count INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4-https-api") { db in
            try db.execute(sql: """
                -- Work requests of email domain operations (completed synchronously: SUCCEEDED).
                CREATE TABLE work_request (
                    id TEXT PRIMARY KEY NOT NULL,
                    compartment_id TEXT NOT NULL,
                    operation_type TEXT NOT NULL,
                    status TEXT NOT NULL,
                    resources TEXT NOT NULL,
                    percent_complete REAL NOT NULL,
                    time_accepted DATETIME NOT NULL,
                    time_started DATETIME,
                    time_finished DATETIME
                );
                CREATE INDEX work_request_compartment ON work_request(compartment_id, time_accepted);
                CREATE TABLE work_request_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    work_request_id TEXT NOT NULL REFERENCES work_request(id) ON DELETE CASCADE,
                    message TEXT NOT NULL,
                    timestamp DATETIME NOT NULL
                );
                CREATE INDEX work_request_log_request ON work_request_log(work_request_id);
                -- Answers to HTTPS submissions that named a messageId, kept 24 hours for retries.
                CREATE TABLE api_submission (
                    user_id TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    response TEXT NOT NULL,
                    time_created DATETIME NOT NULL,
                    PRIMARY KEY (user_id, message_id)
                );
                CREATE INDEX api_submission_time ON api_submission(time_created);
                """)
        }
        migrator.registerMigration("v5-mailbox-queue-id") { db in
            // Capture delivery checks the mailbox for the same queue id before keeping a message
            // again (a redelivery after a crash), and `envoi mail` looks messages up by it.
            try db.execute(sql: "CREATE INDEX mailbox_queue_id ON mailbox(queue_id)")
        }
        migrator.registerMigration("v6-tags") { db in
            // freeformTags and definedTags of senders and email domains, as JSON objects.
            try db.execute(sql: """
                ALTER TABLE sender ADD COLUMN freeform_tags TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE sender ADD COLUMN defined_tags TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE email_domain ADD COLUMN freeform_tags TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE email_domain ADD COLUMN defined_tags TEXT NOT NULL DEFAULT '{}';
                """)
        }
        migrator.registerMigration("v7-locks") { db in
            // Resource locks of senders and email domains, as JSON arrays.
            try db.execute(sql: """
                ALTER TABLE sender ADD COLUMN locks TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE email_domain ADD COLUMN locks TEXT NOT NULL DEFAULT '[]';
                """)
        }
        migrator.registerMigration("v8-dkim-tags") { db in
            // freeformTags and definedTags of DKIM keys, as JSON objects (as v6-tags for the others).
            try db.execute(sql: """
                ALTER TABLE dkim ADD COLUMN freeform_tags TEXT NOT NULL DEFAULT '{}';
                ALTER TABLE dkim ADD COLUMN defined_tags TEXT NOT NULL DEFAULT '{}';
                """)
        }
        migrator.registerMigration("v9-retry-tokens") { db in
            // Answers given under opc-retry-tokens, per user, kept 24 hours; the body is sealed.
            try db.execute(sql: """
                CREATE TABLE api_retry_token (
                    user_id TEXT NOT NULL,
                    token TEXT NOT NULL,
                    request TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    etag TEXT,
                    work_request_id TEXT,
                    time_created DATETIME NOT NULL,
                    PRIMARY KEY (user_id, token)
                );
                CREATE INDEX api_retry_token_time ON api_retry_token(time_created);
                """)
        }
        return migrator
    }
}
