import Crypto
import EnvoiCore
import EnvoiPostgres
import Foundation
import Testing

/// The PostgreSQL schema's migrations (the SQLite store's have their own tests in EnvoiStoreTests).
@Suite struct PostgresMigrationTests {
    @Test func migratingAgainAppliesNothingAndConcurrentNodesApplyEachVersionOnce() async throws {
        try await PostgresContractStore.withSchema { client, logger in
            let masterKey = SymmetricKey(size: .bits256)
            let first = PostgresStore(client: client, logger: logger, masterKey: masterKey)
            let second = PostgresStore(client: client, logger: logger, masterKey: masterKey)
            async let one = first.migrate()
            async let two = second.migrate()
            let (applied1, applied2) = try await (one, two)
            #expect((applied1 + applied2).sorted() == Array(1...7), "each version applied by one of the two")
            #expect(try await first.migrate().isEmpty)
            let tenancy = OCID.generate(.tenancy)
            #expect(try await first.initialise(tenancy: tenancy) == tenancy)
            #expect(try await second.initialise(tenancy: .generate(.tenancy)) == tenancy, "an initialised database keeps its tenancy")
        }
    }
}
