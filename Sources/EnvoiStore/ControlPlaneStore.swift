import EnvoiCore
import EnvoiSecrets
import Crypto
import Foundation
import GRDB

/// The control plane on SQLite: one `DatabasePool` (WAL) on `envoi.sqlite`, foreign keys on,
/// `synchronous=FULL` so that a committed transaction survives a power cut. Every operation is one
/// transaction that checks its invariant (EnvoiCore's `ControlPlaneRules`) with the rows it read,
/// so a refused command writes nothing.
public final class ControlPlaneStore: Sendable {
    let pool: DatabasePool
    let secrets: SecretBox
    let path: String
    let now: @Sendable () -> Date
    /// Consecutive soft bounces of one recipient that make a SOFTBOUNCE suppression
    /// (`delivery.soft_bounce_limit`).
    public let softBounceLimit: Int

    /// How long a writer waits for another process's lock before giving up with a clear message.
    public static let busyTimeout: TimeInterval = 5

    /// Opens the store of a prepared data directory and applies pending migrations.
    public convenience init(directory: DataDirectory, now: @escaping @Sendable () -> Date = Date.init,
                            softBounceLimit: Int = ControlPlaneStore.defaultSoftBounceLimit) throws {
        try self.init(databasePath: directory.databasePath, masterKey: directory.loadMasterKey(), now: now,
                      softBounceLimit: softBounceLimit)
    }

    /// Opens (creating if needed) the database at `databasePath`.
    public init(databasePath: String, masterKey: SymmetricKeyBytes, now: @escaping @Sendable () -> Date = Date.init,
                softBounceLimit: Int = ControlPlaneStore.defaultSoftBounceLimit) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.path = databasePath
        self.secrets = SecretBox(masterKey: masterKey)
        self.now = now
        self.softBounceLimit = max(1, softBounceLimit)
        do {
            pool = try DatabasePool(path: databasePath, configuration: configuration)
            try Migrations.migrator.migrate(pool)
        } catch {
            throw StoreError.translating(error, path: databasePath) ?? StoreError.io("database \(databasePath): \(error)")
        }
    }

    /// Runs `body` in one write transaction; database failures become `StoreError`s. Called
    /// inside `atomically` (on its thread), it joins that transaction instead of starting one.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = activeTransaction() { return try body(db) }
        return try translatingErrors { try pool.write(body) }
    }

    /// Runs `body` in one read transaction (a consistent snapshot); inside `atomically`, it reads
    /// that transaction's own writes.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = activeTransaction() { return try body(db) }
        return try translatingErrors { try pool.read(body) }
    }

    /// Runs `body` outside a transaction, for lookups that need no snapshot in common: SQLite
    /// runs each statement in its own consistent snapshot, and the BEGIN and COMMIT of a read
    /// transaction cost as much as an indexed lookup. Inside `atomically`, it reads that
    /// transaction's own writes.
    func readWithoutTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        if let db = activeTransaction() { return try body(db) }
        return try translatingErrors { try pool.unsafeRead(body) }
    }

    /// Runs several store operations as one transaction: an operation and the work request that
    /// records it are written together or not at all. Everything `body` reads and writes through
    /// this store (on this thread) joins the transaction.
    public func atomically<T>(_ body: () throws -> T) throws -> T {
        if activeTransaction() != nil { return try body() }
        do {
            return try pool.write { db in
                let key = transactionKey
                Thread.current.threadDictionary[key] = ActiveTransaction(db)
                defer { Thread.current.threadDictionary.removeObject(forKey: key) }
                return try body()
            }
        } catch let error as DatabaseError {
            // Anything else (a ControlPlaneError, the caller's own error) goes out as it was thrown.
            throw translate(error)
        }
    }

    /// `body`, with database failures as `StoreError`s (a `ControlPlaneError` goes out as is).
    private func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ControlPlaneError {
            throw error
        } catch {
            throw translate(error)
        }
    }

    /// The transaction `atomically` opened on this thread for this store, if any.
    private func activeTransaction() -> Database? {
        (Thread.current.threadDictionary[transactionKey] as? ActiveTransaction)?.db
    }

    /// Per store, so that two stores (two data directories in one test) never share a transaction.
    private let transactionKey = "envoi.store.transaction." + RandomHex.string(bytes: 8)

    /// Holds the `Database` of the transaction `atomically` runs; lives only during its body.
    private final class ActiveTransaction {
        let db: Database
        init(_ db: Database) { self.db = db }
    }

    private func translate(_ error: any Error) -> any Error {
        if let storeError = error as? StoreError { return storeError }
        // A secret that does not open is the master key's failure, not the database's.
        if let secretError = error as? SecretBoxError { return secretError }
        if let translated = StoreError.translating(error, path: path) { return translated }
        if let database = error as? DatabaseError, database.resultCode == .SQLITE_CONSTRAINT {
            return ControlPlaneError.conflict("the change conflicts with an existing resource")
        }
        return StoreError.io("database \(path): unexpected failure (\(type(of: error)))")
    }

    /// The single tenancy of this data directory.
    public func tenancy() throws -> Tenancy {
        try read { db in try Self.tenancy(db) }
    }

    static func tenancy(_ db: Database) throws -> Tenancy {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM tenancy LIMIT 1") else {
            throw StoreError(code: .notInitialised, message: "the database holds no tenancy: run `envoi init`")
        }
        return Tenancy(row: row)
    }

    /// Fetches one row of `table` by id, or throws the not-found error for `type`.
    static func fetch(_ db: Database, _ table: String, _ type: ResourceType, _ id: OCID) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM \(table) WHERE id = ?", arguments: [id.rawValue]) else {
            throw ControlPlaneError.notFound(type, id.rawValue)
        }
        return row
    }

    /// Deletes one row of `table` by id, or throws the not-found error for `type`.
    static func delete(_ db: Database, _ table: String, _ type: ResourceType, _ id: OCID) throws {
        try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id.rawValue])
        guard db.changesCount == 1 else { throw ControlPlaneError.notFound(type, id.rawValue) }
    }
}

/// The master key's bytes as the store takes them.
public typealias SymmetricKeyBytes = Crypto.SymmetricKey
