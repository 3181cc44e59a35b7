import EnvoiCore
import EnvoiSecrets
import Foundation
import Testing

/// The backends every contract test runs against, with the same assertions.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A new, empty, initialised store of this backend for one test, removed after `body`.
    func withStore(clock: TestClock = TestClock(), softBounceLimit: Int = ControlPlaneDefaults.softBounceLimit,
                   _ body: (any ContractStore) async throws -> Void) async throws {
        switch self {
        case .sqlite: try await SQLiteContractStore.with(clock: clock, softBounceLimit: softBounceLimit, body)
        case .postgres: try await PostgresContractStore.with(clock: clock, softBounceLimit: softBounceLimit, body)
        }
    }
}

/// What the contract tests drive: the suppression list (EnvoiCore's `SuppressionStore`), the
/// delivery queue through EnvoiCore's `DeliveryQueueStore` itself (`queue`: the store as the
/// scheduler holds it, so that each backend's conformance is what is tested), the intake's
/// commit through the backend's own queue writer, and the set-up and read-back that those do not
/// cover.
protocol ContractStore: SuppressionStore {
    /// The store as the delivery scheduler holds it.
    var queue: any DeliveryQueueStore { get }
    /// The store as the report intake holds it.
    var reports: any ReportStore { get }
    /// The store as the DKIM DNS checker holds it.
    var dkimChecks: any DkimCheckStore { get }
    /// The user the contract submissions come from.
    var submitter: OCID { get }
    /// Runs the backend's queue writer (SQLite `QueueWriter`, PostgreSQL `PostgresQueueWriter`)
    /// around `body`, which commits through it; the writer is finished and drained afterwards.
    func withWriter(_ body: (@escaping ContractCommit) async throws -> Void) async throws
    /// Sets the tenancy's per-minute send limit.
    func setPerMinuteLimit(_ limit: Int) async throws
    /// Creates the email domain `name` in the tenancy; its id.
    func addEmailDomain(_ name: String) async throws -> OCID
    /// Gives the domain `domain` a DKIM key named `selector` in `state`, holding `privateKeyPEM`.
    func addDkimKey(domain: OCID, selector: String, state: DkimLifecycleState, privateKeyPEM: String) async throws
    /// What the capture mailbox holds for `queueID`, oldest first.
    func keptMessages(queueID: String) async throws -> [KeptMessage]
    /// The delivery events logged for `queueID`, oldest first.
    func events(queueID: String) async throws -> [ContractEvent]
    /// The stored body of the message `queueID`; nil once it is dropped (every recipient final).
    func messageBody(queueID: String) async throws -> [UInt8]?
    /// Gives the submitter an SMTP credential whose hash has few PBKDF2 rounds (the tests check
    /// the intake, not the hash's cost); its username and password.
    func addSmtpCredential() async throws -> (username: String, password: String)
    /// Approves `address` as a sender in the tenancy's root compartment.
    func approveSender(_ address: String) async throws
    /// Runs the backend's queue writer around `body`, with EnvoiIntake's `StoreIntake` over it.
    func withIntake(_ body: (any MessageIntake) async throws -> Void) async throws
    /// The backend's queue writer as the intake holds it (EnvoiCore's `IntakeStore`).
    func intakeStore() throws -> any IntakeStore
    /// Creates the user `name` in the tenancy; its id.
    func addUser(_ name: String) async throws -> OCID
    /// Creates the group `name` in the tenancy, holding `members`.
    func addGroup(_ name: String, members: [OCID]) async throws
    /// Creates the policy `name` of `statements` in the root compartment.
    func addPolicy(_ name: String, statements: [String]) async throws

    // The identity half of the HTTPS control plane.

    /// The identity half of the control plane as the HTTPS API holds it (SQLite: a
    /// `StoreControlPlane`; PostgreSQL: the `PostgresStore` itself).
    var identity: any CallerDirectory & TenancyDirectory & SenderStore & LockStore & CredentialStore & SubmissionLedger & RetryTokenLedger { get }
    /// Creates the compartment `name` under the root compartment; its id.
    func addCompartment(_ name: String) async throws -> OCID
    /// Registers an API signing key for the submitter (what `envoi api-key add` does).
    func addApiKey(publicKeyPEM: String) async throws -> ApiKey
    /// The submitter's API keys, oldest first.
    func apiKeys() async throws -> [ApiKey]
    func deleteApiKey(_ id: OCID) async throws

    // Email domains, work requests and DKIM keys.

    /// Email domains, their work requests and DKIM keys as the HTTPS API holds them (SQLite:
    /// `StoreControlPlane` with DkimService's factory; PostgreSQL: the store, with its generator).
    var domains: any EmailDomainStore & WorkRequestStore & DkimStore { get }
    /// The tenancy's root compartment, where `addEmailDomain` puts domains.
    var rootCompartment: OCID { get }

    // The console.

    /// The store as `envoi console` holds it for its lists (`RuntimeStore.console`).
    var console: any ConsoleStore { get }
}

/// The contract credentials' hasher: PBKDF2 rounds are read from the stored hash, so the intake
/// verifies these as it verifies production ones, a thousand times faster.
let contractHasher = PasswordHasher(iterations: 1_000)

/// A queue writer's `commit`, as the contract tests call it.
typealias ContractCommit = @Sendable (QueuedMessage) async -> SubmissionResult

extension ContractStore {
    /// Queues a message from `a@example.com` to `recipients` through the queue writer, due at the
    /// clock's time; its queue id.
    func enqueue(recipients: [String]) async throws -> String {
        var result: SubmissionResult?
        try await withWriter { commit in result = await commit(contractMessage(recipients: recipients)) }
        guard case .queued(let id, _) = result else { throw ContractTestError("the queue writer did not queue: \(String(describing: result))") }
        return id
    }

    /// The contract message from `a@example.com` to `recipients`, under a new queue id.
    func contractMessage(recipients: [String], replay: SubmissionReplay? = nil) -> QueuedMessage {
        var submission = Submission(submitter: Submitter(userId: submitter), source: .smtp, envelopeSender: EmailAddress("a@example.com")!,
                                    recipients: recipients.map { EmailAddress($0)! }, message: ContractMessage.body)
        submission.replay = replay
        return QueuedMessage(queueID: QueuedMessage.makeQueueID(), messageID: ContractMessage.messageID, submission: submission)
    }
}

/// Runs a queue writer's loop (`run`) for the length of `body`, then finishes it and waits until
/// everything it took is written, whether `body` returned or threw.
func runningWriter(run: @escaping @Sendable () async -> Void, finish: () -> Void, _ body: () async throws -> Void) async throws {
    async let running: Void = run()
    do {
        try await body()
    } catch {
        finish()
        await running
        throw error
    }
    finish()
    await running
}

/// One message of the capture mailbox, as read back from either backend.
struct KeptMessage: Equatable, Sendable {
    var messageID: String?
    var envelopeSender: String
    var recipients: [String]
    var dkimSelector: String?
    var body: [UInt8]
}

/// One row of the delivery event log, as read back from either backend.
struct ContractEvent: Equatable, Sendable {
    var type: String
    var messageID: String?
    var envelopeSender: String?
    var recipient: String?
    var status: String?
    var source: String?
}

extension DkimKey {
    /// A key of `domain` as the contract tests store it: only its selector and state matter to
    /// the queue; the rest is what a generated RSA key would show.
    static func contract(domain: OCID, compartment: OCID, selector: String, state: DkimLifecycleState, at time: Date) -> DkimKey {
        DkimKey(id: .generate(.dkim), name: selector, emailDomainId: domain, compartmentId: compartment, lifecycleState: state,
                timeCreated: time, timeUpdated: time, dnsSubdomainName: "\(selector)._domainkey.example.com",
                cnameRecordValue: "\(selector).example.com.dkim.envoi.test", txtRecordValue: "v=DKIM1; k=rsa; p=AAAA",
                isImported: false, keyLength: 2048, algorithm: "rsa-sha256")
    }
}

/// A clock that moves one second forward each time it is read, from a whole second, so that
/// rows get distinct times that both databases store exactly.
/// With a `step` of 0 it stands still: the limit tests need every commit in one minute.
final class TestClock: Sendable {
    private let current = Locked(Date(timeIntervalSince1970: 1_800_000_000))
    private let step: TimeInterval

    init(step: TimeInterval = 1) {
        self.step = step
    }

    /// Moves the clock `interval` forward without reading it.
    func advance(by interval: TimeInterval) {
        current.withLock { $0.addTimeInterval(interval) }
    }

    /// The next time (`step` after the last one read).
    @Sendable func now() -> Date {
        current.withLock { time in
            time.addTimeInterval(step)
            return time
        }
    }
}

/// The `ControlPlaneError` thrown by `body`, or nil (when it returned or threw something else).
func controlPlaneError(_ body: () async throws -> Void) async -> ControlPlaneError? {
    do { try await body() } catch let error as ControlPlaneError { return error } catch { return nil }
    return nil
}

/// The error a backend's code of a `ControlPlaneError` thrown by `body`, or nil.
func controlPlaneErrorCode(_ body: () async throws -> Void) async -> ControlPlaneError.Code? {
    do { try await body() } catch let error as ControlPlaneError { return error.code } catch { return nil }
    return nil
}
