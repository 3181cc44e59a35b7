import Logging
import PostgresNIO

/// Cluster-wide periodic jobs (the DKIM DNS check, event purging and housekeeping) that every
/// node schedules but only one should run at a time: running them twice at once is wasted work
/// at best and conflicting writes at worst.
///
/// The guard is a PostgreSQL session-level advisory lock rather than a row lock: a job has no
/// row of its own to lock, and an advisory lock belongs to the connection that took it, so if the
/// node dies or loses its connection mid-job the server releases the lock with the session, and
/// no lease or expiry is needed for another node to take the job over.
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
        let key = Self.advisoryLockKey(job: job)
        return try await client.withConnection { connection -> T? in
            let locked = try await connection.query("SELECT pg_try_advisory_lock(\(key))", logger: logger).collect()
            guard try locked.first?.decode(Bool.self) == true else { return nil }
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

    /// The advisory lock key of a job: the 64-bit FNV-1a hash of "envoi.job." and its name's
    /// UTF-8, the same on every node and every run (Swift's `Hasher` is seeded per process, so
    /// two nodes would disagree). The prefix keeps job names apart from other keys (the
    /// migration lock); a collision between two names only makes them exclude each other.
    static func advisoryLockKey(job: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a 64-bit offset basis
        for byte in "envoi.job.\(job)".utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3  // FNV-1a 64-bit prime
        }
        return Int64(bitPattern: hash)
    }
}
