import Foundation

// The control plane as the HTTPS API sees it: capabilities, each implemented over the store
// (EnvoiStore) and called from request handlers. Every method may block on storage, so
// implementations run it off the event loops. Failures are `ControlPlaneError`s (which the API
// answers as such) or storage errors (answered as a generic 500).

/// The public keys that verify request signatures (spec/OCI-API.md §7), and what their owners may do.
public protocol CallerDirectory: Sendable {
    /// The PEM public key `user` of `tenancy` registered under `fingerprint`; nil when there is
    /// none (or the tenancy is not this one), which the API answers with 401.
    func signingKey(tenancy: OCID, user: OCID, fingerprint: String) async throws -> String?

    /// The caller's groups and the policies that apply to them.
    func access(for user: OCID) async throws -> CallerAccess
}

/// Approved senders.
public protocol SenderStore: Sendable {
    func createSender(email: String, compartment: OCID, tags: ResourceTags) async throws -> Sender
    /// Replaces the sender's tags.
    func updateSender(_ id: OCID, tags: ResourceTags) async throws -> Sender
    func sender(_ id: OCID) async throws -> Sender
    func senders(_ query: SenderQuery) async throws -> ListPage<Sender>
    func deleteSender(_ id: OCID) async throws
    /// Moves the sender to `compartment` (changeCompartment).
    func moveSender(_ id: OCID, to compartment: OCID) async throws -> Sender
}

/// The tenancy-wide suppression list.
public protocol SuppressionStore: Sendable {
    /// Adds an address with reason MANUAL (lower-cased, as the cloud service does).
    func addSuppression(email: String) async throws -> Suppression
    func suppression(_ id: OCID) async throws -> Suppression
    func suppressions(_ query: SuppressionQuery) async throws -> ListPage<Suppression>
    func removeSuppression(_ id: OCID) async throws
}

/// Email domains; every change is recorded as a SUCCEEDED work request.
public protocol EmailDomainStore: Sendable {
    /// Creates a domain; answered (and, with a retry claim, recorded) by `answering`.
    func createEmailDomain(name: String, compartment: OCID, description: String?, tags: ResourceTags,
                           answering: Answering<(EmailDomain, WorkRequest)>) async throws -> RecordedAnswer
    func emailDomain(_ id: OCID) async throws -> EmailDomain
    func emailDomains(_ query: EmailDomainQuery) async throws -> ListPage<EmailDomain>
    /// Changes the description and the tags (nil leaves each as it is).
    func updateEmailDomain(_ id: OCID, description: String?, tags: ResourceTags?) async throws -> (EmailDomain, WorkRequest)
    func deleteEmailDomain(_ id: OCID) async throws -> WorkRequest
    /// Moves the domain and its DKIM keys to `compartment` (changeCompartment), answered by `answering`.
    func moveEmailDomain(_ id: OCID, to compartment: OCID, answering: Answering<(EmailDomain, WorkRequest)>) async throws -> RecordedAnswer
}

/// Resource locks on approved senders and email domains.
public protocol LockStore: Sendable {
    /// Adds a lock of `type` to the sender or email domain `id` (a second of one type: conflict).
    func addLock(_ type: ResourceLock.Kind, to id: OCID, compartment: OCID?, relatedResourceId: String?, message: String?) async throws
    /// Removes the lock of `type` from the sender or email domain `id`.
    func removeLock(_ type: ResourceLock.Kind, from id: OCID) async throws
}

/// Work requests of domain operations.
public protocol WorkRequestStore: Sendable {
    func workRequest(_ id: OCID) async throws -> WorkRequest
    func workRequests(_ query: WorkRequestQuery) async throws -> ListPage<WorkRequest>
    func workRequestLogs(_ id: OCID) async throws -> [WorkRequestLogEntry]
}

/// SMTP credentials (the Identity API subset).
public protocol CredentialStore: Sendable {
    /// Creates a credential; the password is in this answer and never again (a retry's recorded
    /// answer holds it sealed).
    func createCredential(user: OCID, description: String, answering: Answering<(SmtpCredential, password: String)>) async throws -> RecordedAnswer
    func credentials(user: OCID) async throws -> [SmtpCredential]
    func credential(_ id: OCID) async throws -> SmtpCredential
    func deleteCredential(_ id: OCID) async throws
}

/// The answers given to HTTPS submissions that named their `messageId`, kept 24 hours so that a
/// client's retry of an accepted submission gets the original answer and enqueues nothing. The
/// answers are written by the commit itself (`Submission.replay`); this reads them, so that a
/// retry is answered before its message is even composed.
public protocol SubmissionLedger: Sendable {
    /// The response body recorded for `messageId` from `user` since `since`, if any.
    func recordedResponse(user: OCID, messageId: String, since: Date) async throws -> String?
}

/// The tenancy-wide facts the configuration operation reports.
public protocol TenancyDirectory: Sendable {
    /// The tenancy (root compartment) id.
    func tenancyID() async throws -> OCID
    /// Whether `compartment` exists.
    func compartmentExists(_ compartment: OCID) async throws -> Bool
}

/// DKIM keys of email domains; every change is recorded as a SUCCEEDED work request. Private
/// keys go in (an import) and never come out of this interface.
public protocol DkimStore: Sendable {
    /// Creates a key for `emailDomainId`: generated, or imported from `privateKeyPEM`; answered by `answering`.
    func createDkim(_ creation: DkimCreation, answering: Answering<(DkimKey, WorkRequest)>) async throws -> RecordedAnswer
    func dkim(_ id: OCID) async throws -> DkimKey
    func dkims(_ query: DkimQuery) async throws -> ListPage<DkimKey>
    /// Changes the description and the tags (nil leaves each as it is).
    func updateDkim(_ id: OCID, description: String?, tags: ResourceTags?) async throws -> (DkimKey, WorkRequest)
    func deleteDkim(_ id: OCID) async throws -> WorkRequest
}

/// What a new DKIM key is made of (`CreateDkimDetails`).
public struct DkimCreation: Sendable {
    public var emailDomainId: OCID
    /// The selector; nil picks the default (`envoi-YYYYMMDD`).
    public var selector: String?
    public var description: String?
    /// A PEM private key to import; nil generates one.
    public var privateKeyPEM: String?
    public var tags: ResourceTags

    public init(emailDomainId: OCID, selector: String?, description: String?, privateKeyPEM: String?, tags: ResourceTags = .none) {
        self.emailDomainId = emailDomainId
        self.tags = tags
        self.selector = selector
        self.description = description
        self.privateKeyPEM = privateKeyPEM
    }
}

/// The one way DKIM keys are made (DkimService's `DkimKeyGenerator`), handed to each backend's
/// control plane so that the API creates keys exactly as `envoi dkim create` does, whichever
/// store keeps them.
public protocol DkimKeyCreator: Sendable {
    /// Validates, and generates or imports, a key of `domain` (which the store looked up) and its
    /// PEM private key, storing nothing (synchronously; may block for an RSA key): the caller
    /// stores it in its own transaction.
    func makeDkimKey(_ creation: DkimCreation, domain: EmailDomain) throws -> (key: DkimKey, privateKeyPEM: String)
}
