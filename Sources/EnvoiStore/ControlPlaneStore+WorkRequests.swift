import EnvoiCore
import Foundation
import GRDB

/// Work requests (the record of email domain operations) and the ledger of HTTPS submission
/// answers. Envoi performs domain operations synchronously: the work request of an operation is
/// written SUCCEEDED, with one log line, right after the operation's own transaction.
extension ControlPlaneStore {
    /// Changes an email domain's description and tags (nil keeps each as it is).
    public func updateEmailDomain(_ id: OCID, description: String?, tags: ResourceTags? = nil) throws -> EmailDomain {
        let description = try description.map { try ControlPlaneRules.description($0) }
        let tags = try tags.map { try ControlPlaneRules.tags($0) }
        return try write { db in
            _ = try Self.fetch(db, "email_domain", .emailDomain, id)
            if let description {
                try db.execute(sql: "UPDATE email_domain SET description = ? WHERE id = ?", arguments: [description, id.rawValue])
            }
            if let columns = tags?.columns {
                try db.execute(sql: "UPDATE email_domain SET freeform_tags = ?, defined_tags = ? WHERE id = ?",
                               arguments: [columns.freeform, columns.defined, id.rawValue])
            }
            return EmailDomain(row: try Self.fetch(db, "email_domain", .emailDomain, id))
        }
    }

    /// Records a finished operation on one resource as a SUCCEEDED work request with one log line.
    public func recordWorkRequest(_ operation: WorkRequestOperationType, compartment: OCID, entityType: String,
                                  action: WorkRequestActionType, resource: OCID, entityUri: String?, log: String) throws -> WorkRequest {
        try recordWorkRequest(WorkRequestChange(operation: operation, compartment: compartment,
                                                resource: WorkRequestResource(entityType: entityType, actionType: action,
                                                                              identifier: resource, entityUri: entityUri),
                                                log: log))
    }

    /// Records `change` as a SUCCEEDED work request with its log line.
    public func recordWorkRequest(_ change: WorkRequestChange) throws -> WorkRequest {
        let time = now()
        let request = change.workRequest(at: time)
        let resources = try WorkRequest.resourcesColumn(request.resources)
        return try write { db in
            try db.execute(sql: """
                INSERT INTO work_request (id, compartment_id, operation_type, status, resources, percent_complete, time_accepted, time_started, time_finished)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [request.id.rawValue, change.compartment.rawValue, change.operation.rawValue, request.status.rawValue, resources,
                                 request.percentComplete, time, time, time])
            try db.execute(sql: "INSERT INTO work_request_log (work_request_id, message, timestamp) VALUES (?, ?, ?)",
                           arguments: [request.id.rawValue, change.log, time])
            return WorkRequest(row: try Self.fetch(db, "work_request", .workRequest, request.id))
        }
    }

    public func workRequest(_ id: OCID) throws -> WorkRequest {
        try read { db in WorkRequest(row: try Self.fetch(db, "work_request", .workRequest, id)) }
    }

    /// The log lines of a work request, oldest first.
    public func workRequestLogs(_ id: OCID) throws -> [WorkRequestLogEntry] {
        try read { db in
            _ = try Self.fetch(db, "work_request", .workRequest, id)
            return try Row.fetchAll(db, sql: "SELECT message, timestamp FROM work_request_log WHERE work_request_id = ? ORDER BY id",
                                    arguments: [id.rawValue]).map { WorkRequestLogEntry(message: $0["message"], timestamp: $0["timestamp"]) }
        }
    }

    // MARK: Submission ledger

    /// How long a submission's answer is kept for retries (BEHAVIOUR.md §2: 24 hours).
    public static let submissionLedgerRetention: TimeInterval = 86_400

    /// The answer recorded for `messageId` from `user` at or after `since`.
    public func recordedSubmission(user: OCID, messageId: String, since: Date) throws -> String? {
        try read { db in try Self.recordedSubmission(db, user: user, messageId: messageId, since: since) }
    }

    static func recordedSubmission(_ db: Database, user: OCID, messageId: String, since: Date) throws -> String? {
        try String.fetchOne(db, sql: "SELECT response FROM api_submission WHERE user_id = ? AND message_id = ? AND time_created >= ?",
                            arguments: [user.rawValue, messageId, since])
    }

    /// Records (or replaces an expired) answer for `messageId`; the queue writer calls it in the
    /// transaction that commits the message, and purges answers past the retention.
    static func recordSubmission(_ db: Database, user: OCID, messageId: String, response: String, at time: Date) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO api_submission (user_id, message_id, response, time_created) VALUES (?, ?, ?, ?)",
                       arguments: [user.rawValue, messageId, response, time])
    }
}

extension WorkRequest {
    init(row: Row) {
        let resources = WorkRequest.resources(column: row["resources"])
        self.init(id: OCID(uncheckedRow: row["id"]), compartmentId: OCID(uncheckedRow: row["compartment_id"]),
                  operationType: WorkRequestOperationType(rawValue: row["operation_type"]) ?? .updateEmailDomain,
                  status: WorkRequestStatus(rawValue: row["status"]) ?? .failed, resources: resources,
                  percentComplete: row["percent_complete"], timeAccepted: row["time_accepted"],
                  timeStarted: row["time_started"], timeFinished: row["time_finished"])
    }
}
