// SQLite-only: what the SQLite file and its WAL hold at rest (PostgresSecretsTests shows PostgreSQL's), and EnvoiSecrets' primitives that no backend changes.
import EnvoiCore
import EnvoiSecrets
@testable import EnvoiStore
import Crypto
import Foundation
import Testing

@Suite struct SecretsStoreTests {
    @Test func aCredentialsPasswordIsShownOnceAndStoredOnlyAsASealedHash() throws {
        let f = try StoreFixture()
        let user = try f.store.createUser(name: "app")
        let (credential, password) = try f.store.createCredential(user: user.id, description: "app server")
        #expect(password.count == 32)
        #expect(try f.store.verifyCredential(username: credential.username, password: password) == user.id)
        #expect(try f.store.verifyCredential(username: credential.username, password: password + "x") == nil)
        #expect(try f.store.verifyCredential(username: "nobody", password: password) == nil)
        let raw = try f.rawDatabaseBytes()
        #expect(raw.range(of: Data(password.utf8)) == nil)
        #expect(raw.range(of: Data("pbkdf2-sha256".utf8)) == nil, "the hash itself is sealed")
    }

    @Test func dkimPrivateKeysAreSealedAtRest() throws {
        let f = try StoreFixture()
        let domain = try f.store.createEmailDomain(name: "example.com")
        let pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDsecretmaterial\n-----END PRIVATE KEY-----\n"
        let key = try f.store.insertDkim(f.dkim(domain: domain.id, selector: "s1", state: .creating), privateKeyPEM: pem)
        #expect(try f.store.dkimPrivateKey(key.id) == pem)
        let raw = try f.rawDatabaseBytes()
        #expect(raw.range(of: Data("secretmaterial".utf8)) == nil)
        #expect(raw.range(of: Data("BEGIN PRIVATE KEY".utf8)) == nil)
    }

    @Test func aSealedValueOpensOnlyInItsOwnPlaceAndUnderItsKey() throws {
        let box = SecretBox(masterKey: SymmetricKey(size: .bits256))
        let sealed = try box.seal(Data("secret".utf8), context: "dkim.private_key/a")
        #expect(try box.open(sealed, context: "dkim.private_key/a") == Data("secret".utf8))
        #expect(throws: SecretBoxError.self) { try box.open(sealed, context: "dkim.private_key/b") }
        #expect(throws: SecretBoxError.self) { try SecretBox(masterKey: SymmetricKey(size: .bits256)).open(sealed, context: "dkim.private_key/a") }
        var tampered = sealed
        tampered[tampered.count - 1] ^= 1
        #expect(throws: SecretBoxError.self) { try box.open(tampered, context: "dkim.private_key/a") }
    }

    @Test func passwordHashesUseAtLeast210000Rounds() throws {
        let hasher = PasswordHasher()
        let encoded = try hasher.hash("correct horse")
        let parts = encoded.split(separator: "$")
        #expect(parts[0] == "pbkdf2-sha256")
        #expect(Int(parts[1])! >= 210_000)
        #expect(hasher.verify("correct horse", against: encoded))
        #expect(!hasher.verify("correct horsf", against: encoded))
        #expect(!hasher.verify("correct horse", against: "garbage"))
        #expect(try hasher.hash("correct horse") != encoded, "salted")
    }
}
