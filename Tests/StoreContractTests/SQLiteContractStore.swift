import DkimService
import EnvoiCore
import EnvoiSecrets
import EnvoiStore
import Foundation

/// The SQLite store (EnvoiStore) as the contract tests drive it: the suppression list through
/// `StoreControlPlane` (what the HTTPS API uses), the queue through `ControlPlaneStore`'s
/// `DeliveryQueueStore` conformance.
struct SQLiteContractStore: ContractStore {
    let store: ControlPlaneStore
    let controlPlane: StoreControlPlane
    let admin: OCID
    let root: OCID

    /// A store in a new temporary data directory, removed after `body`.
    static func with(clock: TestClock, softBounceLimit: Int, _ body: (any ContractStore) async throws -> Void) async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("envoi-contract-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let directory = DataDirectory(path: root + "/data")
        _ = try directory.prepare()
        let store = try ControlPlaneStore(directory: directory, now: clock.now, softBounceLimit: softBounceLimit)
        let bootstrap = try store.initialise()
        let dkimKeys = DkimKeyGenerator(publishZone: contractPublishZone, now: clock.now)
        try await body(SQLiteContractStore(store: store, controlPlane: StoreControlPlane(store: store, dkimKeys: dkimKeys),
                                           admin: bootstrap.adminUser.id, root: try store.tenancy().id))
    }

    func addSuppression(email: String) async throws -> Suppression { try await controlPlane.addSuppression(email: email) }
    func suppression(_ id: OCID) async throws -> Suppression { try await controlPlane.suppression(id) }
    func suppressions(_ query: SuppressionQuery) async throws -> ListPage<Suppression> { try await controlPlane.suppressions(query) }
    func removeSuppression(_ id: OCID) async throws { try await controlPlane.removeSuppression(id) }

    var queue: any DeliveryQueueStore { store }
    var reports: any ReportStore { store }
    var dkimChecks: any DkimCheckStore { store }
    var console: any ConsoleStore { store }

    var submitter: OCID { admin }

    func withWriter(_ body: (@escaping ContractCommit) async throws -> Void) async throws {
        let writer = try QueueWriter(store: store)
        try await runningWriter(run: writer.run, finish: writer.finish) {
            try await body { await writer.commit($0) }
        }
    }

    func setPerMinuteLimit(_ limit: Int) async throws {
        _ = try await Blocking.run { [store] in try store.setLimits(messagesPerMinute: limit) }
    }

    func addEmailDomain(_ name: String) async throws -> OCID {
        try await Blocking.run { [store] in try store.createEmailDomain(name: name).id }
    }

    /// Through `insertDkim`, as the API's createDkim stores a key (the domain's compartment is the key's).
    func addDkimKey(domain: OCID, selector: String, state: DkimLifecycleState, privateKeyPEM: String) async throws {
        _ = try await Blocking.run { [store] in
            try store.insertDkim(.contract(domain: domain, compartment: store.tenancy().id, selector: selector, state: state, at: Date()),
                                 privateKeyPEM: privateKeyPEM)
        }
    }

    func addSmtpCredential() async throws -> (username: String, password: String) {
        try await Blocking.run { [store, admin] in
            let (credential, password) = try store.createCredential(user: admin, hasher: contractHasher)
            return (credential.username, password)
        }
    }

    func approveSender(_ address: String) async throws {
        _ = try await Blocking.run { [store] in try store.createSender(email: address) }
    }

    var domains: any EmailDomainStore & WorkRequestStore & DkimStore { controlPlane }

    var rootCompartment: OCID { root }

    func addCompartment(_ name: String) async throws -> OCID {
        try await Blocking.run { [store] in try store.createCompartment(name: name).id }
    }

    /// Through the name and initialiser that `envoi serve` uses.
    func withIntake(_ body: (any MessageIntake) async throws -> Void) async throws {
        let writer = try QueueWriter(store: store)
        let intake = try StoreMessageIntake(store: store, writer: writer, hostname: "localhost", statistics: ServiceStatistics())
        try await runningWriter(run: writer.run, finish: writer.finish) { try await body(intake) }
    }

    var identity: any CallerDirectory & TenancyDirectory & SenderStore & LockStore & CredentialStore & SubmissionLedger & RetryTokenLedger {
        controlPlane
    }

    func addApiKey(publicKeyPEM: String) async throws -> ApiKey {
        try await Blocking.run { [store, admin] in try store.addApiKey(user: admin, publicKeyPEM: publicKeyPEM) }
    }

    func apiKeys() async throws -> [ApiKey] {
        try await Blocking.run { [store, admin] in try store.apiKeys(user: admin) }
    }

    func deleteApiKey(_ id: OCID) async throws {
        try await Blocking.run { [store] in try store.deleteApiKey(id) }
    }

    /// Through the mailbox reads of `envoi mail list` and `envoi mail raw`.
    func keptMessages(queueID: String) async throws -> [KeptMessage] {
        try await Blocking.run { [store] in
            try store.mailbox(limit: 10_000).filter { $0.queueId == queueID }.reversed().map { entry in
                let (_, body) = try store.mailboxMessage(entry.id)
                return KeptMessage(messageID: entry.messageId, envelopeSender: entry.envelopeSender, recipients: entry.recipients,
                                   dkimSelector: entry.dkimSelector, body: body)
            }
        }
    }
}

extension SQLiteContractStore {
    /// Through the event log read of `envoi events`.
    func events(queueID: String) async throws -> [ContractEvent] {
        try await Blocking.run { [store] in
            try store.events(messageId: queueID, limit: 10_000).reversed().map { event in
                ContractEvent(type: event.type, messageID: event.messageId, envelopeSender: event.envelopeSender,
                              recipient: event.recipient, status: event.status, source: event.source)
            }
        }
    }

    func messageBody(queueID: String) async throws -> [UInt8]? {
        try await Blocking.run { [store] in try store.messageBody(queueID: queueID) }
    }

    func intakeStore() throws -> any IntakeStore { try QueueWriter(store: store) }

    func addUser(_ name: String) async throws -> OCID {
        try await Blocking.run { [store] in try store.createUser(name: name).id }
    }

    func addGroup(_ name: String, members: [OCID]) async throws {
        _ = try await Blocking.run { [store] in
            let group = try store.createGroup(name: name)
            for member in members { try store.addUser(member, toGroup: group.id) }
        }
    }

    func addPolicy(_ name: String, statements: [String]) async throws {
        _ = try await Blocking.run { [store] in try store.createPolicy(name: name, statements: statements) }
    }
}

/// The zone the contract DKIM keys' CNAMEs point into.
let contractPublishZone = DomainName("dkim.envoi.test")!

/// The message every contract test queues.
enum ContractMessage {
    static let messageID = "m1@example.com"
    static let body = Array("From: a@example.com\r\nMessage-ID: <m1@example.com>\r\n\r\nhi\r\n".utf8)
}

struct ContractTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
