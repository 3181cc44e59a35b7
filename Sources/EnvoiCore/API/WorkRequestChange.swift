import Foundation

/// One finished email domain or DKIM operation as its work request records it: the operation,
/// the compartment the request is listed in, the resource it touched and its one log line.
/// Every backend records the same request for the same change from these.
public struct WorkRequestChange: Sendable, Equatable {
    public var operation: WorkRequestOperationType
    /// The compartment whose work requests list it (a move's destination).
    public var compartment: OCID
    public var resource: WorkRequestResource
    /// The request's single log line.
    public var log: String

    public init(operation: WorkRequestOperationType, compartment: OCID, resource: WorkRequestResource, log: String) {
        self.operation = operation
        self.compartment = compartment
        self.resource = resource
        self.log = log
    }

    public static func created(_ domain: EmailDomain) -> WorkRequestChange {
        domainChange(.createEmailDomain, domain.compartmentId, domain, .created, "Created email domain \(domain.name)")
    }

    public static func updated(_ domain: EmailDomain) -> WorkRequestChange {
        domainChange(.updateEmailDomain, domain.compartmentId, domain, .updated, "Updated email domain \(domain.name)")
    }

    /// `domain` as it was moved to `compartment`.
    public static func moved(_ domain: EmailDomain, to compartment: OCID) -> WorkRequestChange {
        domainChange(.moveEmailDomain, compartment, domain, .updated, "Moved email domain \(domain.name) to compartment \(compartment)")
    }

    /// `domain` as it was before its deletion (a deleted resource has no URI).
    public static func deleted(_ domain: EmailDomain) -> WorkRequestChange {
        WorkRequestChange(operation: .deleteEmailDomain, compartment: domain.compartmentId,
                          resource: WorkRequestResource(entityType: "emailDomain", actionType: .deleted, identifier: domain.id, entityUri: nil),
                          log: "Deleted email domain \(domain.name)")
    }

    public static func created(_ key: DkimKey) -> WorkRequestChange {
        dkimChange(.createDkim, key, .created, "Created DKIM key \(key.name)")
    }

    public static func updated(_ key: DkimKey) -> WorkRequestChange {
        dkimChange(.updateDkim, key, .updated, "Updated DKIM key \(key.name)")
    }

    public static func deleted(_ key: DkimKey) -> WorkRequestChange {
        WorkRequestChange(operation: .deleteDkim, compartment: key.compartmentId,
                          resource: WorkRequestResource(entityType: "dkim", actionType: .deleted, identifier: key.id, entityUri: nil),
                          log: "Deleted DKIM key \(key.name)")
    }

    /// The SUCCEEDED work request of this change, accepted, started and finished at `time`:
    /// Envoi performs domain operations synchronously.
    public func workRequest(id: OCID = .generate(.workRequest), at time: Date) -> WorkRequest {
        WorkRequest(id: id, compartmentId: compartment, operationType: operation, status: .succeeded, resources: [resource],
                    percentComplete: 100, timeAccepted: time, timeStarted: time, timeFinished: time)
    }

    /// The control-plane API's path of an email domain.
    public static func uri(emailDomain id: OCID) -> String { "/20170907/emailDomains/\(id)" }

    /// The control-plane API's path of a DKIM key.
    public static func uri(dkim id: OCID) -> String { "/20170907/dkims/\(id)" }

    private static func domainChange(_ operation: WorkRequestOperationType, _ compartment: OCID, _ domain: EmailDomain,
                                     _ action: WorkRequestActionType, _ log: String) -> WorkRequestChange {
        WorkRequestChange(operation: operation, compartment: compartment,
                          resource: WorkRequestResource(entityType: "emailDomain", actionType: action, identifier: domain.id,
                                                        entityUri: uri(emailDomain: domain.id)),
                          log: log)
    }

    private static func dkimChange(_ operation: WorkRequestOperationType, _ key: DkimKey, _ action: WorkRequestActionType,
                                   _ log: String) -> WorkRequestChange {
        WorkRequestChange(operation: operation, compartment: key.compartmentId,
                          resource: WorkRequestResource(entityType: "dkim", actionType: action, identifier: key.id,
                                                        entityUri: uri(dkim: key.id)),
                          log: log)
    }
}

extension WorkRequest {
    /// The `resources` column of a work request row in every backend: a JSON array.
    package static func resourcesColumn(_ resources: [WorkRequestResource]) throws -> String {
        String(decoding: try JSONEncoder().encode(resources), as: UTF8.self)
    }

    /// The resources of a `resources` column (none when it does not decode).
    package static func resources(column text: String) -> [WorkRequestResource] {
        (try? JSONDecoder().decode([WorkRequestResource].self, from: Data(text.utf8))) ?? []
    }
}
