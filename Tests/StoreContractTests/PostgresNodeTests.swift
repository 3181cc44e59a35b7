import Crypto
import EnvoiCore
import EnvoiPostgres
import Foundation
import PostgresNIO
import Testing

/// Several nodes on one PostgreSQL database (issue #10), each a `PostgresStore` with its own
/// node name over its own client: leases that only their node frees on start-up, and periodic
/// jobs that one node at a time runs. Bounded in time: a lock or a signal never given would
/// otherwise hang the run.
@Suite(.timeLimit(.minutes(1))) struct PostgresNodeTests {
    @Test func aRestartingNodeFreesItsOwnLeasesAndNeverAnotherNodes() async throws {
        try await Self.withNodes { a, b, contract, clock in
            let first = try await contract.enqueue(recipients: ["x@example.org"])
            #expect(try await a.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60).map(\.queueID) == [first])
            let second = try await contract.enqueue(recipients: ["y@example.org"])
            #expect(try await b.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60).map(\.queueID) == [second])
            #expect(try await Self.leaseHolders(contract) == ["x@example.org": "a", "y@example.org": "b"])

            try await b.releaseAllLeases()
            #expect(try await b.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60).map(\.queueID) == [second],
                    "B freed its own lease, and A's is still held")

            let restartedA = PostgresStore(client: contract.client, logger: contract.logger, masterKey: SymmetricKey(size: .bits256),
                                           node: "a", now: clock.now)
            try await restartedA.releaseAllLeases()
            #expect(try await restartedA.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60).map(\.queueID) == [first],
                    "A's previous run's lease is freed at once; B's is left alone")
            #expect(try await Self.leaseHolders(contract) == ["x@example.org": "a", "y@example.org": "b"])
        }
    }

    @Test func recordingAnOutcomeClearsTheHolderAndAnExpiredLeaseGoesToTheNextClaimer() async throws {
        try await Self.withNodes { a, b, contract, clock in
            _ = try await contract.enqueue(recipients: ["x@example.org", "y@example.org"])
            let now = clock.now()
            let job = try #require(try await a.claimDueDeliveries(now: now, limit: 10, lease: 60).first)
            try await a.recordDeliveries([DeliveryRecord(recipient: "x@example.org", result: .relayed, status: "250 ok")], of: job, now: now)
            #expect(try await Self.leaseHolders(contract) == ["x@example.org": nil, "y@example.org": "a"])

            let retaken = try await b.claimDueDeliveries(now: now.addingTimeInterval(60), limit: 10, lease: 60)
            #expect(retaken.map(\.recipients) == [["y@example.org"]], "A's lease expired: B takes the recipient over")
            #expect(try await Self.leaseHolders(contract) == ["x@example.org": nil, "y@example.org": "b"])
            try await a.releaseAllLeases()
            #expect(try await a.claimDueDeliveries(now: now.addingTimeInterval(61), limit: 10, lease: 60).isEmpty,
                    "the lease is B's now: A's start-up leaves it alone")
        }
    }

    @Test func aJobRunsOnOneNodeAtATimeAndIsFreeOnceItEnds() async throws {
        try await Self.withNodes { a, b, _, _ in
            let held = try await Self.whileHolding("dkim-dns-check", on: a, result: "a") {
                // The values are read before #expect, which cannot take a trailing closure.
                let whileHeldByB = try await b.runExclusively("dkim-dns-check") { "b" }
                let whileHeldByA = try await a.runExclusively("dkim-dns-check") { "a again" }
                let otherJob = try await b.runExclusively("purge-events") { "b" }
                #expect(whileHeldByB == nil, "A holds the job")
                #expect(whileHeldByA == nil, "even for A's other tasks")
                #expect(otherJob == "b", "another job is free")
            }
            #expect(held == "a")
            let afterwards = try await b.runExclusively("dkim-dns-check") { "b" }
            #expect(afterwards == "b", "free once A's run ended")
        }
    }

    @Test func aJobInOneSchemaDoesNotHoldTheSameJobInAnother() async throws {
        try await PostgresContractStore.withSchema { first, logger in
            try await PostgresContractStore.withSchema { second, _ in
                let here = PostgresStore(client: first, logger: logger, masterKey: SymmetricKey(size: .bits256), node: "a")
                let there = PostgresStore(client: second, logger: logger, masterKey: SymmetricKey(size: .bits256), node: "a")
                let held = try await Self.whileHolding(PostgresStore.purgeEventsJob, on: here, result: "here") {
                    let elsewhere = try await there.runExclusively(PostgresStore.purgeEventsJob) { "there" }
                    #expect(elsewhere == "there", "advisory locks are database-wide: the key must name the schema")
                }
                #expect(held == "here")
            }
        }
    }

    @Test func theEventPurgeRunsOnOneNodeAtATime() async throws {
        try await Self.withNodes { a, b, contract, clock in
            let queueID = try await contract.enqueue(recipients: ["x@example.org"])
            let now = clock.now()
            let job = try #require(try await contract.queue.claimDueDeliveries(now: now, limit: 10, lease: 60).first { $0.queueID == queueID })
            try await b.recordDeliveries([DeliveryRecord(recipient: "x@example.org", result: .relayed, status: "250 ok")], of: job, now: now)
            let cutoff = now.addingTimeInterval(1)
            _ = try await Self.whileHolding(PostgresStore.purgeEventsJob, on: a, result: 0) {
                let purgedByB = try await b.purgeEvents(before: cutoff)
                #expect(purgedByB == 0, "A is purging: B leaves it")
            }
            #expect(try await b.purgeEvents(before: cutoff) >= 1, "the delivery event, once A's purge ended")
        }
    }

    /// Runs `body` while node `node` holds `job` (inside `runExclusively`); what the job returned.
    static func whileHolding<T: Sendable>(_ job: String, on node: PostgresStore, result: T,
                                          _ body: () async throws -> Void) async throws -> T? {
        let (started, didStart) = AsyncStream<Void>.makeStream()
        let (finish, mayFinish) = AsyncStream<Void>.makeStream()
        defer { mayFinish.finish() }
        async let running: T? = {
            // Ends `started` either way, so that a job that never ran cannot hang the test.
            defer { didStart.finish() }
            return try await node.runExclusively(job) {
                didStart.yield()
                for await _ in finish { break }
                return result
            }
        }()
        for await _ in started { break }
        do {
            try await body()
        } catch {
            mayFinish.yield()
            _ = try? await running
            throw error
        }
        mayFinish.yield()
        return try await running
    }

    @Test func aJobThatThrowsReleasesItsLock() async throws {
        struct JobFailed: Error {}
        try await Self.withNodes { a, b, _, _ in
            await #expect(throws: JobFailed.self) { try await a.runExclusively("housekeeping") { () async throws -> Int in throw JobFailed() } }
            let afterwards = try await b.runExclusively("housekeeping") { 1 }
            #expect(afterwards == 1)
        }
    }

    /// Two nodes, "a" and "b", each a store over its own client on one migrated, initialised
    /// schema; the contract store is A's, for queueing messages and reading the queue back.
    static func withNodes(_ body: (PostgresStore, PostgresStore, PostgresContractStore, TestClock) async throws -> Void) async throws {
        try await PostgresContractStore.withSchema(clients: 2) { clients, logger in
            let clock = TestClock()
            let masterKey = SymmetricKey(size: .bits256)
            let a = PostgresStore(client: clients[0], logger: logger, masterKey: masterKey, node: "a", now: clock.now)
            let b = PostgresStore(client: clients[1], logger: logger, masterKey: masterKey, node: "b", now: clock.now)
            try await a.migrate()
            let tenancy = try await a.initialise(tenancy: .generate(.tenancy))
            let contract = PostgresContractStore(store: a, client: clients[0], logger: logger, clock: clock, tenancy: tenancy)
            try await body(a, b, contract, clock)
        }
    }

    /// The node holding each queue entry's lease (nil: none), by recipient.
    static func leaseHolders(_ contract: PostgresContractStore) async throws -> [String: String?] {
        let rows = try await contract.client.query("SELECT recipient, leased_by FROM queue_entry", logger: contract.logger).collect()
        return try Dictionary(uniqueKeysWithValues: rows.map { try $0.decode((String, String?).self) })
    }
}
