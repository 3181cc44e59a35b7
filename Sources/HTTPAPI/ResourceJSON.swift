import EnvoiCore
import Foundation

// The JSON shapes of the control plane (spec/OCI-API.md §4.2), field for field. Senders and email
// domains keep their tags; DKIM keys keep none, so theirs are always empty objects.

/// `ResourceLock`.
struct ResourceLockJSON: Encodable {
    var type: String
    var compartmentId: String
    var relatedResourceId: String?
    var message: String?
    var timeCreated: Date

    init(_ lock: ResourceLock) {
        type = lock.type.rawValue
        compartmentId = lock.compartmentId.rawValue
        relatedResourceId = lock.relatedResourceId
        message = lock.message
        timeCreated = lock.timeCreated
    }
}

/// `Sender` (and `SenderSummary`, which omits `isSpf` and `emailDomainId`).
struct SenderJSON: Encodable {
    var compartmentId: String
    var emailAddress: String
    var id: String
    var isSpf: Bool?
    var lifecycleState: String
    var timeCreated: Date
    var emailDomainId: String?
    var freeformTags: [String: String] = [:]
    var definedTags: [String: [String: String]] = [:]
    var locks: [ResourceLockJSON] = []

    init(_ sender: Sender, summary: Bool = false) {
        compartmentId = sender.compartmentId.rawValue
        emailAddress = sender.emailAddress
        id = sender.id.rawValue
        isSpf = summary ? nil : sender.isSpf
        lifecycleState = sender.lifecycleState.rawValue
        timeCreated = sender.timeCreated
        emailDomainId = summary ? nil : sender.emailDomainId?.rawValue
        freeformTags = sender.tags.freeform
        definedTags = sender.tags.defined
        locks = sender.locks.map(ResourceLockJSON.init)
    }
}

/// `Suppression` (and `SuppressionSummary`: id, address, compartment, reason, time created).
struct SuppressionJSON: Encodable {
    var compartmentId: String
    var emailAddress: String
    var id: String
    var reason: String
    var timeCreated: Date
    var timeLastSuppressed: Date?
    var messageId: String?
    var errorDetail: String?
    var errorSource: String?

    init(_ suppression: Suppression, summary: Bool = false) {
        compartmentId = suppression.compartmentId.rawValue
        emailAddress = suppression.emailAddress
        id = suppression.id.rawValue
        reason = suppression.reason.rawValue
        timeCreated = suppression.timeCreated
        if !summary {
            timeLastSuppressed = suppression.timeLastSuppressed
            messageId = suppression.messageId
            errorDetail = suppression.errorDetail
            errorSource = suppression.errorSource
        }
    }
}

/// `EmailDomain` (and `EmailDomainSummary`).
struct EmailDomainJSON: Encodable {
    var name: String
    var id: String
    var compartmentId: String
    var lifecycleState: String
    var activeDkimId: String?
    var isSpf: Bool?
    var domainVerificationStatus: String?
    var description: String?
    var timeCreated: Date
    var freeformTags: [String: String] = [:]
    var definedTags: [String: [String: String]] = [:]
    var locks: [ResourceLockJSON] = []

    init(_ domain: EmailDomain, summary: Bool = false) {
        name = domain.name
        id = domain.id.rawValue
        compartmentId = domain.compartmentId.rawValue
        lifecycleState = domain.lifecycleState.rawValue
        activeDkimId = domain.activeDkimId?.rawValue
        isSpf = summary ? nil : domain.isSpf
        domainVerificationStatus = summary ? nil : domain.domainVerificationStatus.rawValue
        description = domain.description
        timeCreated = domain.timeCreated
        freeformTags = domain.tags.freeform
        definedTags = domain.tags.defined
        locks = domain.locks.map(ResourceLockJSON.init)
    }
}

/// `WorkRequest` / `WorkRequestSummary` (the same fields).
struct WorkRequestJSON: Encodable {
    var operationType: String
    var status: String
    var id: String
    var compartmentId: String
    var resources: [WorkRequestResource]
    var percentComplete: Double
    var timeAccepted: Date
    var timeStarted: Date?
    var timeFinished: Date?

    init(_ request: WorkRequest) {
        operationType = request.operationType.rawValue
        status = request.status.rawValue
        id = request.id.rawValue
        compartmentId = request.compartmentId.rawValue
        resources = request.resources
        percentComplete = request.percentComplete
        timeAccepted = request.timeAccepted
        timeStarted = request.timeStarted
        timeFinished = request.timeFinished
    }
}

/// Identity `SmtpCredential`: `password` only in the answer to create.
struct SmtpCredentialJSON: Encodable {
    var username: String
    var password: String?
    var id: String
    var userId: String
    var description: String
    var timeCreated: Date
    var timeExpires: Date?
    var lifecycleState: String

    init(_ credential: SmtpCredential, password: String? = nil) {
        username = credential.username
        self.password = password
        id = credential.id.rawValue
        userId = credential.userId.rawValue
        description = credential.description
        timeCreated = credential.timeCreated
        timeExpires = credential.timeExpires
        lifecycleState = credential.lifecycleState.rawValue
    }
}

/// `Configuration`.
struct ConfigurationJSON: Encodable {
    var compartmentId: String
    var httpSubmitEndpoint: String
    var smtpSubmitEndpoint: String
}

/// `{"items": […]}`, the list shape of every list but senders and suppressions.
struct ItemsJSON<Item: Encodable>: Encodable {
    var items: [Item]
}
