import Crypto
import DkimService
import EnvoiCore
import EnvoiIntake
import EnvoiPostgres
import EnvoiSecrets
import EnvoiStore
import Foundation
import Logging
import PostgresNIO
import Testing

/// The PostgreSQL store (EnvoiPostgres) as the contract tests drive it, each test in a schema of
/// its own in the database that `ENVOI_TEST_POSTGRES_URL` names (scripts/test.sh starts a private
/// server on loopback and sets it).
struct PostgresContractStore: ContractStore {
    let store: PostgresStore
    /// For reading back what no store operation reads yet (the mailbox).
    let client: PostgresClient
    let logger: Logger
    let clock: TestClock
    let tenancy: OCID
    let user = OCID.generate(.user)

    static let urlVariable = "ENVOI_TEST_POSTGRES_URL"

    /// A migrated, initialised store in a new schema, dropped after `body`. Without the URL the
    /// test fails (no silent skip): scripts/test.sh always provides one.
    static func with(clock: TestClock, softBounceLimit: Int, _ body: (any ContractStore) async throws -> Void) async throws {
        try await withSchema { client, logger in
            let store = PostgresStore(client: client, logger: logger, masterKey: SymmetricKey(size: .bits256), now: clock.now,
                                      softBounceLimit: softBounceLimit,
                                      dkimKeys: DkimKeyGenerator(publishZone: contractPublishZone, now: clock.now))
            try await store.migrate()
            let tenancy = try await store.initialise(tenancy: .generate(.tenancy))
            let contract = PostgresContractStore(store: store, client: client, logger: logger, clock: clock, tenancy: tenancy)
            try await contract.addAdministrator()
            try await body(contract)
        }
    }

    /// A running client whose connections use a new, empty schema, dropped after `body`.
    static func withSchema(_ body: (PostgresClient, Logger) async throws -> Void) async throws {
        try await withSchema(clients: 1) { clients, logger in try await body(clients[0], logger) }
    }

    /// `count` running clients — as many nodes, each with its own connection pool — whose
    /// connections use one new, empty schema, dropped after `body`.
    static func withSchema(clients count: Int, _ body: ([PostgresClient], Logger) async throws -> Void) async throws {
        guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else {
            throw ContractTestError("""
                \(urlVariable) is not set: the PostgreSQL cases need a server. Run scripts/test.sh, or \
                `export \(urlVariable)=$(scripts/postgres-test-server.sh start)` before `swift test`
                """)
        }
        var configuration = try configuration(url)
        let schema = "contract_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        configuration.options.additionalStartupParameters = [("search_path", schema)]
        var logger = Logger(label: "envoi.contract-tests.postgres")
        logger.logLevel = .warning
        let clients = (0..<max(1, count)).map { _ in PostgresClient(configuration: configuration, backgroundLogger: logger) }
        let client = clients[0]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for each in clients { group.addTask { await each.run() } }
            defer { group.cancelAll() }
            try await client.query("CREATE SCHEMA \(unescaped: schema)", logger: logger)
            do {
                try await body(clients, logger)
            } catch {
                _ = try? await client.query("DROP SCHEMA \(unescaped: schema) CASCADE", logger: logger)
                throw error
            }
            try await client.query("DROP SCHEMA \(unescaped: schema) CASCADE", logger: logger)
        }
    }

    /// The client configuration of a `postgres://user:password@host:port/database` URL (no TLS:
    /// the test server listens on loopback only).
    static func configuration(_ text: String) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
              let host = url.host, let user = url.user else {
            throw ContractTestError("\(urlVariable) is not a postgres://user:password@host:port/database URL")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        return PostgresClient.Configuration(host: host, port: url.port ?? 5432, username: user, password: url.password,
                                            database: database.isEmpty ? nil : database, tls: .disable)
    }

    func addSuppression(email: String) async throws -> Suppression { try await store.addSuppression(email: email) }
    func suppression(_ id: OCID) async throws -> Suppression { try await store.suppression(id) }
    func suppressions(_ query: SuppressionQuery) async throws -> ListPage<Suppression> { try await store.suppressions(query) }
    func removeSuppression(_ id: OCID) async throws { try await store.removeSuppression(id) }

    var queue: any DeliveryQueueStore { store }
    var reports: any ReportStore { store }
    var dkimChecks: any DkimCheckStore { store }
    var console: any ConsoleStore { store }

    var submitter: OCID { user }

    func withWriter(_ body: (@escaping ContractCommit) async throws -> Void) async throws {
        let writer = PostgresQueueWriter(store: store)
        try await runningWriter(run: writer.run, finish: writer.finish) {
            try await body { await writer.commit($0) }
        }
    }

    func setPerMinuteLimit(_ limit: Int) async throws {
        try await store.setLimits(messagesPerMinute: limit)
    }

    /// Through createEmailDomain, as the HTTPS API creates one.
    func addEmailDomain(_ name: String) async throws -> OCID {
        try await store.createEmailDomain(name: name, compartment: tenancy, description: nil, tags: .none, answering: answerIDs()).createdID
    }

    func addDkimKey(domain: OCID, selector: String, state: DkimLifecycleState, privateKeyPEM: String) async throws {
        try await store.insertDkim(.contract(domain: domain, compartment: tenancy, selector: selector, state: state, at: clock.now()),
                                   privateKeyPEM: privateKeyPEM)
    }

    /// What SQLite's `initialise` makes: the root compartment (the tenancy's id), the submitter
    /// in an Administrators group, and the policy that lets that group send in the tenancy.
    func addAdministrator() async throws {
        try await store.insertCompartment(Compartment(id: tenancy, compartmentId: nil, name: "envoi", description: "root",
                                                      timeCreated: clock.now()))
        try await store.insertUser(User(id: user, compartmentId: tenancy, name: "admin", description: "", timeCreated: clock.now()))
        try await store.insertGroup(Group(id: .generate(.group), compartmentId: tenancy, name: ControlPlaneDefaults.adminGroupName,
                                          description: "", timeCreated: clock.now()), members: [user])
        try await store.insertPolicy(Policy(id: .generate(.policy), compartmentId: tenancy, name: "administrators", description: "",
                                            statements: [ControlPlaneDefaults.adminPolicyStatement], timeCreated: clock.now()))
    }

    func addSmtpCredential() async throws -> (username: String, password: String) {
        let id = OCID.generate(.credential)
        let password = PasswordHasher.generatePassword()
        try await store.insertSmtpCredential(SmtpCredential(id: id, userId: user, username: id.rawValue, description: "",
                                                            timeCreated: clock.now()),
                                             passwordHash: try contractHasher.hash(password))
        return (id.rawValue, password)
    }

    func approveSender(_ address: String) async throws {
        try await store.insertSender(Sender(id: .generate(.sender), compartmentId: tenancy, emailAddress: address, timeCreated: clock.now()))
    }

    var domains: any EmailDomainStore & WorkRequestStore & DkimStore { store }

    var rootCompartment: OCID { tenancy }

    func addCompartment(_ name: String) async throws -> OCID {
        let id = OCID.generate(.compartment)
        try await store.insertCompartment(Compartment(id: id, compartmentId: tenancy, name: name, description: "", timeCreated: clock.now()))
        return id
    }

    func withIntake(_ body: (any MessageIntake) async throws -> Void) async throws {
        let writer = PostgresQueueWriter(store: store)
        try await runningWriter(run: writer.run, finish: writer.finish) {
            let intake = try await StoreIntake(store: writer, hostname: "localhost", statistics: ServiceStatistics())
            try await body(intake)
        }
    }

    var identity: any CallerDirectory & TenancyDirectory & SenderStore & LockStore & CredentialStore & SubmissionLedger & RetryTokenLedger {
        store
    }

    /// As a row: PostgreSQL has no compartment operations yet.
    func addApiKey(publicKeyPEM: String) async throws -> ApiKey { try await store.addApiKey(user: user, publicKeyPEM: publicKeyPEM) }
    func apiKeys() async throws -> [ApiKey] { try await store.apiKeys(user: user) }
    func deleteApiKey(_ id: OCID) async throws { try await store.deleteApiKey(id) }

    func keptMessages(queueID: String) async throws -> [KeptMessage] {
        try await client.query("""
            SELECT message_id, envelope_sender, recipients, dkim_selector, body FROM mailbox WHERE queue_id = \(queueID) ORDER BY id
            """, logger: logger).collect().map { row in
            let (messageID, sender, recipients, selector, body) = try row.decode((String?, String, String, String?, ByteBuffer).self)
            return KeptMessage(messageID: messageID, envelopeSender: sender, recipients: recipients.split(separator: ",").map(String.init),
                               dkimSelector: selector, body: Array(body.readableBytesView))
        }
    }
}

extension PostgresContractStore {
    /// As rows: PostgreSQL has no event log read yet.
    func events(queueID: String) async throws -> [ContractEvent] {
        try await client.query("""
            SELECT type, message_id, envelope_sender, recipient, status, source FROM event WHERE queue_id = \(queueID) ORDER BY id
            """, logger: logger).collect().map { row in
            let (type, messageID, sender, recipient, status, source) = try row.decode((String, String?, String?, String?, String?, String?).self)
            return ContractEvent(type: type, messageID: messageID, envelopeSender: sender, recipient: recipient, status: status, source: source)
        }
    }

    func intakeStore() throws -> any IntakeStore { PostgresQueueWriter(store: store) }

    /// As rows: PostgreSQL has no identity operations yet.
    func addUser(_ name: String) async throws -> OCID {
        let id = OCID.generate(.user)
        try await store.insertUser(User(id: id, compartmentId: tenancy, name: name, description: "", timeCreated: clock.now()))
        return id
    }

    func addGroup(_ name: String, members: [OCID]) async throws {
        try await store.insertGroup(Group(id: .generate(.group), compartmentId: tenancy, name: name, description: "", timeCreated: clock.now()),
                                    members: members)
    }

    func addPolicy(_ name: String, statements: [String]) async throws {
        try await store.insertPolicy(Policy(id: .generate(.policy), compartmentId: tenancy, name: name, description: "",
                                            statements: statements, timeCreated: clock.now()))
    }

    func messageBody(queueID: String) async throws -> [UInt8]? {
        let rows = try await client.query("SELECT body FROM message WHERE id = \(queueID)", logger: logger).collect()
        return try rows.first?.decode(ByteBuffer?.self).map { Array($0.readableBytesView) }
    }
}
