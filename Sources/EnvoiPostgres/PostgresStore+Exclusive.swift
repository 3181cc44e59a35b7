import Logging
import PostgresNIO

/// Cluster-wide periodic jobs (the DKIM DNS check, event purging and housekeeping) that every
/// node schedules but only one should run at a time: running them twice at once is wasted work
/// at best and conflicting writes at worst.
///
/// The guard is a PostgreSQL session-level advisory lock rather than a row lock: a job has no
/// row of its own to lock, and an advisory lock belongs to the connection that took it, so if the
/// node dies or loses its connection mid-job the server releases the lock with the session, and
/// no lease or expiry is needed for another node to take the job over. Advisory locks are
/// database-wide, so the key is the hash of the job's name and the schema the store lives in:
/// two deployments (or two test cases) in schemas of one database do not hold each other's jobs.
extension PostgresStore {
    /// The periodic DKIM DNS check (`dkim.check_interval`), which changes keys' states.
    public static let dkimCheckJob = "dkim-dns-check"
    /// The hourly purge of events past their retention.
    public static let purgeEventsJob = "purge-events"

    /// Runs `body` when no other node (or task) is running the job named `job`, and returns what
    /// it returned; returns nil at once, without running it, when one is. The lock is held on one
    /// connection of the pool for the length of `body`, and released whether `body` returned or
    /// threw. `body` reaches the database through the store as usual, on other connections.
    public func runExclusively<T>(_ job: String, _ body: () async throws -> T) async throws -> T? {
        try await client.withConnection { connection -> T? in
            let rows = try await connection.query("""
                SELECT key, pg_try_advisory_lock(key)
                FROM (SELECT hashtextextended('envoi.job.' || coalesce(current_schema(), '') || '.' || \(job), 0) AS key) AS job
                """, logger: logger).collect()
            guard let row = rows.first else { return nil }
            let (key, locked) = try row.decode((Int64, Bool).self)
            guard locked else { return nil }
            let value: T
            do {
                value = try await body()
            } catch {
                await unlock(key, job: job, on: connection)
                throw error
            }
            await unlock(key, job: job, on: connection)
            return value
        }
    }

    /// Releases the job's lock. A session-level lock outlives the `withConnection` call that took
    /// it, so if the unlock fails the connection is closed: the server then drops the lock with
    /// the session, instead of a pooled connection keeping the job locked for every node.
    private func unlock(_ key: Int64, job: String, on connection: PostgresConnection) async {
        do {
            _ = try await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger).collect()
        } catch {
            logger.warning("could not release the lock of job '\(job)'; closing its connection", metadata: ["error": "\(error)"])
            try? await connection.close().get()
        }
    }
}
