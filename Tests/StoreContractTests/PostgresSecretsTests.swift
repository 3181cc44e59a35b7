import Crypto
import EnvoiCore
import EnvoiPostgres
import EnvoiSecrets
import Foundation
import PostgresNIO
import Testing

/// What only the PostgreSQL store needs showing (the SQLite store's have their own tests in
/// EnvoiStoreTests): DKIM private keys are sealed at rest in SecretBox's format, bound to the key.
@Suite struct PostgresSecretsTests {
    @Test func aDkimPrivateKeyIsSealedAtRestAsTheSQLiteStoreSealsIt() async throws {
        try await PostgresContractStore.withSchema { client, logger in
            let masterKey = SymmetricKey(size: .bits256)
            let store = PostgresStore(client: client, logger: logger, masterKey: masterKey)
            try await store.migrate()
            let tenancy = try await store.initialise(tenancy: .generate(.tenancy))
            let domain = OCID.generate(.emailDomain)
            try await store.insertEmailDomain(id: domain, name: "example.com", compartmentId: tenancy)
            let key = DkimKey.contract(domain: domain, compartment: tenancy, selector: "s1", state: .active, at: Date())
            try await store.insertDkim(key, privateKeyPEM: SigningKeyContractTests.pem)
            let rows = try await client.query("SELECT private_key FROM dkim WHERE id = \(key.id.rawValue)", logger: logger).collect()
            let sealed = Data(try #require(rows.first).decode(ByteBuffer.self).readableBytesView)
            #expect(sealed.range(of: Data("PRIVATE KEY".utf8)) == nil && sealed.range(of: Data("secretmaterial".utf8)) == nil)
            #expect(try SecretBox(masterKey: masterKey).open(sealed, context: "dkim.private_key/\(key.id)")
                    == Data(SigningKeyContractTests.pem.utf8), "SecretBox's format and place, as in the SQLite store")
            let otherKey = PostgresStore(client: client, logger: logger, masterKey: SymmetricKey(size: .bits256))
            await #expect(throws: SecretBoxError.self, "another master key opens nothing") {
                try await otherKey.activeSigningKey(domain: "example.com")
            }
        }
    }
}
