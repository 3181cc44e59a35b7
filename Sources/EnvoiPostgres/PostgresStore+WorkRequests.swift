import EnvoiCore
import Foundation
import PostgresNIO

/// Work requests on PostgreSQL: the record of email domain and DKIM operations, written
/// SUCCEEDED with one log line in the operation's own transaction, as in the SQLite store
/// (EnvoiStore `ControlPlaneStore+WorkRequests`).
extension PostgresStore: WorkRequestStore {
    /// The columns of a work request, in the order `workRequest(from:)` decodes them.
    static let workRequestColumns = """
        id, compartment_id, operation_type, status, resources, percent_complete, time_accepted, time_started, time_finished
        """

    typealias WorkRequestRow = (String, String, String, String, String, Double, Date, Date?, Date?)

    public func workRequest(_ id: OCID) async throws -> WorkRequest {
        try await client.withConnection { try await Self.workRequest(id, on: $0, logger) }
    }

    /// A page, newest first unless asked otherwise, with the id as tie-breaker.
    public func workRequests(_ query: WorkRequestQuery) async throws -> ListPage<WorkRequest> {
        let direction = query.sortOrder == .ascending ? "ASC" : "DESC"
        let rows = try await client.query("""
            SELECT \(unescaped: Self.workRequestColumns) FROM work_request
            WHERE compartment_id = \(query.compartment.rawValue)
            AND (\(query.workRequestId?.rawValue)::text IS NULL OR id = \(query.workRequestId?.rawValue))
            AND (\(query.status?.rawValue)::text IS NULL OR status = \(query.status?.rawValue))
            AND (\(query.operationType?.rawValue)::text IS NULL OR operation_type = \(query.operationType?.rawValue))
            ORDER BY time_accepted \(unescaped: direction), id COLLATE "C" \(unescaped: direction)
            LIMIT \(query.page.limit + 1) OFFSET \(query.page.offset)
            """, logger: logger).collect()
        return ListPage(fetched: try rows.map { try Self.workRequest(from: $0.decode(WorkRequestRow.self)) }, query.page)
    }

    /// The log lines of a work request, oldest first.
    public func workRequestLogs(_ id: OCID) async throws -> [WorkRequestLogEntry] {
        try await client.withConnection { connection in
            _ = try await Self.workRequest(id, on: connection, logger)
            return try await connection.query("""
                SELECT message, timestamp FROM work_request_log WHERE work_request_id = \(id.rawValue) ORDER BY id
                """, logger: logger).collect().map { row in
                let (message, timestamp) = try row.decode((String, Date).self)
                return WorkRequestLogEntry(message: message, timestamp: timestamp)
            }
        }
    }

    /// Records `change` as a SUCCEEDED work request with its log line, in the transaction of
    /// `connection` (the change's own, so that both are written or neither).
    func recordWorkRequest(_ change: WorkRequestChange, on connection: PostgresConnection) async throws -> WorkRequest {
        let time = now()
        let request = change.workRequest(at: time)
        let resources = try WorkRequest.resourcesColumn(request.resources)
        try await connection.query("""
            INSERT INTO work_request (id, compartment_id, operation_type, status, resources, percent_complete, time_accepted,
                                      time_started, time_finished)
            VALUES (\(request.id.rawValue), \(change.compartment.rawValue), \(change.operation.rawValue), \(request.status.rawValue),
                    \(resources), \(request.percentComplete), \(time), \(time), \(time))
            """, logger: logger)
        try await connection.query("""
            INSERT INTO work_request_log (work_request_id, message, timestamp) VALUES (\(request.id.rawValue), \(change.log), \(time))
            """, logger: logger)
        return try await Self.workRequest(request.id, on: connection, logger)
    }

    static func workRequest(_ id: OCID, on connection: PostgresConnection, _ logger: Logger) async throws -> WorkRequest {
        let rows = try await connection.query(
            "SELECT \(unescaped: workRequestColumns) FROM work_request WHERE id = \(id.rawValue)", logger: logger).collect()
        guard let row = rows.first else { throw ControlPlaneError.notFound(.workRequest, id.rawValue) }
        return try workRequest(from: row.decode(WorkRequestRow.self))
    }

    static func workRequest(from row: WorkRequestRow) throws -> WorkRequest {
        let (id, compartment, operation, status, resources, percent, accepted, started, finished) = row
        return WorkRequest(id: try ocid(id), compartmentId: try ocid(compartment),
                           operationType: WorkRequestOperationType(rawValue: operation) ?? .updateEmailDomain,
                           status: WorkRequestStatus(rawValue: status) ?? .failed, resources: WorkRequest.resources(column: resources),
                           percentComplete: percent, timeAccepted: accepted, timeStarted: started, timeFinished: finished)
    }
}
