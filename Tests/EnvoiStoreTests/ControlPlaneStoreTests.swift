// SQLite-only: the data directory, its master key and certificate files and their permissions, SQLite's corrupt-file error, and the synchronous CLI-only identity API (bootstrap, compartments, users, groups, policies, limits) that PostgreSQL does not have.
import EnvoiCore
@testable import EnvoiStore
import Foundation
import GRDB
import Testing

@Suite struct ControlPlaneStoreTests {
    @Test func initialiseIsIdempotent() throws {
        let f = try StoreFixture()
        #expect(f.bootstrap.created)
        let again = try f.store.initialise()
        #expect(!again.created)
        #expect(again.tenancy == f.bootstrap.tenancy)
        #expect(again.adminUser == f.bootstrap.adminUser)
        #expect(try f.store.users().count == 1)
        #expect(try f.store.policies().map(\.statements) == [[ControlPlaneDefaults.adminPolicyStatement]])
        #expect(try f.store.compartments().map(\.id) == [f.tenancy])
    }

    @Test func compartmentsFormATreeAndOnlyEmptyOnesAreDeleted() throws {
        let f = try StoreFixture()
        let marketing = try f.store.createCompartment(name: "Marketing")
        let eu = try f.store.createCompartment(name: "EU", parent: marketing.id)
        #expect(eu.compartmentId == marketing.id)
        #expect(throws: ControlPlaneError.conflict("a compartment named marketing already exists in \(f.tenancy)")) {
            try f.store.createCompartment(name: "marketing")
        }
        #expect(throws: ControlPlaneError.conflict("compartment Marketing still holds 1 compartments; delete them first")) {
            try f.store.deleteCompartment(marketing.id)
        }
        #expect(throws: ControlPlaneError.conflict("the root compartment (the tenancy) cannot be deleted")) {
            try f.store.deleteCompartment(f.tenancy)
        }
        try f.store.deleteCompartment(eu.id)
        try f.store.deleteCompartment(marketing.id)
        #expect(throws: ControlPlaneError.notFound(.compartment, marketing.id.rawValue)) { try f.store.compartment(marketing.id) }
    }

    @Test func policiesAreParsedBeforeTheyAreStored() throws {
        let f = try StoreFixture()
        let sales = try f.store.createCompartment(name: "Sales")
        #expect(throws: ControlPlaneError.invalid(field: "statement 2", "column 15: expected 'to', found 'tu' in \"Allow group G tu use email-family in tenancy\"")) {
            try f.store.createPolicy(name: "p", statements: ["Allow group G to use email-family in tenancy", "Allow group G tu use email-family in tenancy"])
        }
        #expect(throws: ControlPlaneError.invalid(field: "statement 1", "'in tenancy' is only allowed in a policy of the root compartment")) {
            try f.store.createPolicy(name: "p", statements: ["Allow group G to use email-family in tenancy"], compartment: sales.id)
        }
        #expect(try f.store.policies().count == 1)
        let policy = try f.store.createPolicy(name: "p", statements: ["Allow group G to use email-family in compartment Sales"])
        #expect(try f.store.policy(policy.id) == policy)
    }

    @Test func usersGroupsAndMembership() throws {
        let f = try StoreFixture()
        let user = try f.store.createUser(name: "app")
        let group = try f.store.createGroup(name: "Senders")
        try f.store.addUser(user.id, toGroup: group.id)
        try f.store.addUser(user.id, toGroup: group.id)
        #expect(try f.store.members(of: group.id) == [user.id])
        #expect(try f.store.groups(ofUser: user.id).map(\.name) == ["Senders"])
        #expect(throws: ControlPlaneError.conflict("a user named APP already exists")) { try f.store.createUser(name: "APP") }
        #expect(throws: ControlPlaneError.self) { try f.store.createUser(name: "bad name") }
        try f.store.deleteUser(user.id)
        #expect(try f.store.members(of: group.id).isEmpty)
    }

    @Test func limitsAreValidatedAndUnchangedWhenRefused() throws {
        let f = try StoreFixture()
        #expect(try f.store.limits() == .default)
        let changed = try f.store.setLimits(messagesPerMinute: 10, messagesPerDay: 500)
        #expect(changed == SendLimits(messagesPerMinute: 10, messagesPerDay: 500, maxMessageSize: SendLimits.default.maxMessageSize))
        #expect(throws: ControlPlaneError.self) { try f.store.setLimits(messagesPerMinute: 0) }
        #expect(try f.store.limits() == changed)
    }

    @Test func aCorruptDatabaseGetsAClearError() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("envoi-corrupt-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = DataDirectory(path: root)
        _ = try directory.prepare()
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: directory.databasePath))
        #expect(storeErrorCode { _ = try ControlPlaneStore(directory: directory) } == .corrupt)
    }

    @Test func aMasterKeyReadableByOthersIsRefused() throws {
        let f = try StoreFixture()
        chmod(f.directory.masterKeyPath, 0o644)
        #expect(storeErrorCode { _ = try f.directory.loadMasterKey() } == .io)
        chmod(f.directory.masterKeyPath, 0o600)
        _ = try f.directory.loadMasterKey()
    }

    @Test func dataDirectoryFilesArePrivate() throws {
        let f = try StoreFixture()
        for (path, mode) in [(f.directory.path, 0o700), (f.directory.masterKeyPath, 0o600), (f.directory.certificateKeyPath, 0o600)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == mode, "\(path)")
        }
        let prepared = try f.directory.prepare()
        #expect(!prepared.createdMasterKey && !prepared.createdCertificate && !prepared.createdDirectory)
    }

    @Test func theSelfSignedCertificateCoversLoopback() throws {
        let f = try StoreFixture()
        let pem = try String(contentsOfFile: f.directory.certificatePath, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
        let key = try String(contentsOfFile: f.directory.certificateKeyPath, encoding: .utf8)
        #expect(key.contains("PRIVATE KEY"))
    }
}
