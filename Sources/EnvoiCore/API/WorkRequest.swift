import Foundation

/// A work request (`WorkRequest`, spec/OCI-API.md §4.2): the record of an email domain (or DKIM)
/// operation. Envoi completes these operations synchronously, so a work request is SUCCEEDED
/// when it is returned; clients that wait on it (`--wait-for-state`) see the end state at once.
public struct WorkRequest: Sendable, Codable, Equatable {
    public var id: OCID
    public var compartmentId: OCID
    public var operationType: WorkRequestOperationType
    public var status: WorkRequestStatus
    public var resources: [WorkRequestResource]
    public var percentComplete: Double
    public var timeAccepted: Date
    public var timeStarted: Date?
    public var timeFinished: Date?

    public init(id: OCID, compartmentId: OCID, operationType: WorkRequestOperationType, status: WorkRequestStatus,
                resources: [WorkRequestResource], percentComplete: Double, timeAccepted: Date,
                timeStarted: Date?, timeFinished: Date?) {
        self.id = id
        self.compartmentId = compartmentId
        self.operationType = operationType
        self.status = status
        self.resources = resources
        self.percentComplete = percentComplete
        self.timeAccepted = timeAccepted
        self.timeStarted = timeStarted
        self.timeFinished = timeFinished
    }
}

/// One resource a work request touched (`WorkRequestResource`).
public struct WorkRequestResource: Sendable, Codable, Equatable {
    /// `emailDomain` or `dkim`.
    public var entityType: String
    public var actionType: WorkRequestActionType
    public var identifier: OCID
    /// The resource's path in the control-plane API, e.g. `/20170907/emailDomains/<id>`.
    public var entityUri: String?

    public init(entityType: String, actionType: WorkRequestActionType, identifier: OCID, entityUri: String?) {
        self.entityType = entityType
        self.actionType = actionType
        self.identifier = identifier
        self.entityUri = entityUri
    }
}

/// One line of a work request's log (`WorkRequestLogEntry`).
public struct WorkRequestLogEntry: Sendable, Codable, Equatable {
    public var message: String
    public var timestamp: Date

    public init(message: String, timestamp: Date) {
        self.message = message
        self.timestamp = timestamp
    }
}

/// `WorkRequest.operationType`, spelled as the cloud API spells it.
public enum WorkRequestOperationType: String, Sendable, Codable, CaseIterable {
    case createDkim = "CREATE_DKIM", deleteDkim = "DELETE_DKIM", moveDkim = "MOVE_DKIM", updateDkim = "UPDATE_DKIM"
    case createEmailDomain = "CREATE_EMAIL_DOMAIN", deleteEmailDomain = "DELETE_EMAIL_DOMAIN"
    case moveEmailDomain = "MOVE_EMAIL_DOMAIN", updateEmailDomain = "UPDATE_EMAIL_DOMAIN"
    case createReturnPath = "CREATE_RETURN_PATH", deleteReturnPath = "DELETE_RETURN_PATH", updateReturnPath = "UPDATE_RETURN_PATH"
    case createIpPool = "CREATE_IP_POOL", updateIpPool = "UPDATE_IP_POOL", deleteIpPool = "DELETE_IP_POOL", moveIpPool = "MOVE_IP_POOL"
}

/// `WorkRequest.status`.
public enum WorkRequestStatus: String, Sendable, Codable, CaseIterable {
    case accepted = "ACCEPTED", inProgress = "IN_PROGRESS", waiting = "WAITING", needsAttention = "NEEDS_ATTENTION"
    case failed = "FAILED", succeeded = "SUCCEEDED", canceling = "CANCELING", canceled = "CANCELED"
}

/// `WorkRequestResource.actionType`.
public enum WorkRequestActionType: String, Sendable, Codable, CaseIterable {
    case created = "CREATED", updated = "UPDATED", deleted = "DELETED", inProgress = "IN_PROGRESS"
    case related = "RELATED", failed = "FAILED"
}
