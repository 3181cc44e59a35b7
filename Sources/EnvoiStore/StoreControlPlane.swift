import EnvoiCore
import EnvoiSecrets
import Foundation
import GRDB

/// The control plane's capabilities (EnvoiCore's `SenderStore`, `SuppressionStore`, …) over the
/// SQLite store, for the HTTPS API. Every call runs the synchronous store on a worker thread,
/// never on an event loop or a cooperative thread.
public final class StoreControlPlane: Sendable {
    let store: ControlPlaneStore
    /// How DKIM keys are made (DkimService's `DkimKeyGenerator`, which this module cannot import).
    let dkimKeys: any DkimKeyCreator

    public init(store: ControlPlaneStore, dkimKeys: any DkimKeyCreator) {
        self.store = store
        self.dkimKeys = dkimKeys
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (ControlPlaneStore) throws -> T) async throws -> T {
        try await Blocking.run { [store] in try body(store) }
    }
}

extension StoreControlPlane: CallerDirectory {
    public func signingKey(tenancy: OCID, user: OCID, fingerprint: String) async throws -> String? {
        try await run { store in
            guard try store.tenancy().id == tenancy else { return nil }
            return try store.apiPublicKey(user: user, fingerprint: fingerprint)?.pemRepresentation
        }
    }

    public func access(for user: OCID) async throws -> CallerAccess {
        try await run { store in
            try store.read { db in
                let compartments = try Row.fetchAll(db, sql: "SELECT * FROM compartment").map(Compartment.init(row:))
                let policies = try Row.fetchAll(db, sql: "SELECT * FROM policy").map(Policy.init(row:))
                return CallerAccess(user: user, tenancy: try ControlPlaneStore.tenancy(db).id,
                                    groups: try ControlPlaneStore.groups(db, ofUser: user),
                                    policies: PolicyEvaluator(compartments: compartments, policies: policies))
            }
        }
    }
}

extension StoreControlPlane: TenancyDirectory {
    public func tenancyID() async throws -> OCID {
        try await run { try $0.tenancy().id }
    }

    public func compartmentExists(_ compartment: OCID) async throws -> Bool {
        try await run { store in
            try store.read { db in try Row.fetchOne(db, sql: "SELECT 1 FROM compartment WHERE id = ?", arguments: [compartment.rawValue]) != nil }
        }
    }
}

extension StoreControlPlane: SenderStore {
    public func createSender(email: String, compartment: OCID, tags: ResourceTags) async throws -> Sender {
        try await run { try $0.createSender(email: email, compartment: compartment, tags: tags) }
    }

    public func updateSender(_ id: OCID, tags: ResourceTags) async throws -> Sender { try await run { try $0.updateSender(id, tags: tags) } }

    public func sender(_ id: OCID) async throws -> Sender { try await run { try $0.sender(id) } }
    public func senders(_ query: SenderQuery) async throws -> ListPage<Sender> { try await run { try $0.senders(query) } }
    public func deleteSender(_ id: OCID) async throws { try await run { try $0.deleteSender(id) } }
    public func moveSender(_ id: OCID, to compartment: OCID) async throws -> Sender { try await run { try $0.moveSender(id, to: compartment) } }
}

extension StoreControlPlane: LockStore {
    public func addLock(_ type: ResourceLock.Kind, to id: OCID, compartment: OCID?, relatedResourceId: String?, message: String?) async throws {
        try await run { try $0.addLock(type, to: id, compartment: compartment, relatedResourceId: relatedResourceId, message: message) }
    }

    public func removeLock(_ type: ResourceLock.Kind, from id: OCID) async throws { try await run { try $0.removeLock(type, from: id) } }
}

extension StoreControlPlane: SuppressionStore {
    public func addSuppression(email: String) async throws -> Suppression {
        try await run { try $0.addSuppression(email: email, reason: .manual) }
    }

    public func suppression(_ id: OCID) async throws -> Suppression { try await run { try $0.suppression(id) } }
    public func suppressions(_ query: SuppressionQuery) async throws -> ListPage<Suppression> { try await run { try $0.suppressions(query) } }
    public func removeSuppression(_ id: OCID) async throws { try await run { try $0.removeSuppression(id) } }
}

extension StoreControlPlane: EmailDomainStore {
    public func createEmailDomain(name: String, compartment: OCID, description: String?, tags: ResourceTags,
                                  answering: Answering<(EmailDomain, WorkRequest)>) async throws -> RecordedAnswer {
        try await run { store in try store.answering(answering) { try store.atomically {
            let domain = try store.createEmailDomain(name: name, compartment: compartment, description: description, tags: tags)
            return (domain, try store.recordWorkRequest(.created(domain)))
        } } }
    }

    public func emailDomain(_ id: OCID) async throws -> EmailDomain { try await run { try $0.emailDomain(id) } }
    public func emailDomains(_ query: EmailDomainQuery) async throws -> ListPage<EmailDomain> { try await run { try $0.emailDomains(query) } }

    public func updateEmailDomain(_ id: OCID, description: String?, tags: ResourceTags?) async throws -> (EmailDomain, WorkRequest) {
        try await run { store in try store.atomically {
            let domain = try store.updateEmailDomain(id, description: description, tags: tags)
            return (domain, try store.recordWorkRequest(.updated(domain)))
        } }
    }

    public func deleteEmailDomain(_ id: OCID) async throws -> WorkRequest {
        try await run { store in try store.atomically {
            let domain = try store.emailDomain(id)
            try store.deleteEmailDomain(id)
            return try store.recordWorkRequest(.deleted(domain))
        } }
    }

    public func moveEmailDomain(_ id: OCID, to compartment: OCID, answering: Answering<(EmailDomain, WorkRequest)>) async throws -> RecordedAnswer {
        try await run { store in try store.answering(answering) { try store.atomically {
            let domain = try store.moveEmailDomain(id, to: compartment)
            return (domain, try store.recordWorkRequest(.moved(domain, to: compartment)))
        } } }
    }
}

extension StoreControlPlane: WorkRequestStore {
    public func workRequest(_ id: OCID) async throws -> WorkRequest { try await run { try $0.workRequest(id) } }
    public func workRequests(_ query: WorkRequestQuery) async throws -> ListPage<WorkRequest> { try await run { try $0.workRequests(query) } }
    public func workRequestLogs(_ id: OCID) async throws -> [WorkRequestLogEntry] { try await run { try $0.workRequestLogs(id) } }
}

extension StoreControlPlane: CredentialStore {
    public func createCredential(user: OCID, description: String, answering: Answering<(SmtpCredential, password: String)>) async throws -> RecordedAnswer {
        try await run { store in
            let secret = try PasswordHasher().newCredentialSecret()
            return try store.answering(answering) { try store.createCredential(user: user, description: description, secret: secret) }
        }
    }

    public func credentials(user: OCID) async throws -> [SmtpCredential] { try await run { try $0.credentials(user: user) } }

    public func credential(_ id: OCID) async throws -> SmtpCredential {
        try await run { store in try store.read { db in SmtpCredential(row: try ControlPlaneStore.fetch(db, "smtp_credential", .credential, id)) } }
    }

    public func deleteCredential(_ id: OCID) async throws { try await run { try $0.deleteCredential(id) } }
}

extension StoreControlPlane: RetryTokenLedger {
    public func state(of claim: RetryClaim) async throws -> RetryClaimState { try await run { try $0.retryClaimState(claim) } }
}

extension StoreControlPlane: SubmissionLedger {
    public func recordedResponse(user: OCID, messageId: String, since: Date) async throws -> String? {
        try await run { try $0.recordedSubmission(user: user, messageId: messageId, since: since) }
    }
}
