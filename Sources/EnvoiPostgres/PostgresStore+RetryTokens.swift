import EnvoiCore
import EnvoiSecrets
import Foundation
import PostgresNIO

/// The answers given under `opc-retry-token`s on PostgreSQL, kept `RetryToken.retention` per
/// user and sealed as in the SQLite store (EnvoiStore `ControlPlaneStore+RetryTokens`).
extension PostgresStore: RetryTokenLedger {
    public func state(of claim: RetryClaim) async throws -> RetryClaimState {
        try await client.withConnection { try await retryClaimState(claim, on: $0) }
    }

    /// What the ledger holds for `claim`, as `connection` sees it.
    func retryClaimState(_ claim: RetryClaim, on connection: PostgresConnection) async throws -> RetryClaimState {
        let since = now().addingTimeInterval(-RetryToken.retention)
        let rows = try await connection.query("""
            SELECT request, status, body, etag, work_request_id FROM api_retry_token
            WHERE user_id = \(claim.user.rawValue) AND token = \(claim.token.value) AND time_created >= \(since)
            """, logger: logger).collect()
        guard let row = rows.first else { return .unused }
        let (request, status, sealed, etag, workRequestId) = try row.decode((String, Int, ByteBuffer, String?, String?).self)
        guard request == claim.request else { return .conflicting }
        let body = try secrets.open(Data(sealed.readableBytesView), context: SecretBox.retryAnswerContext(claim))
        return .answered(RecordedAnswer(status: status, body: String(decoding: body, as: UTF8.self), etag: etag, workRequestId: workRequestId))
    }

    /// Runs `operation` and answers it; with a claim, in one transaction that first takes the
    /// claim (a retry gets the recorded answer, another request under the token a conflict) and
    /// then records the answer, so that two concurrent retries perform the operation once, even
    /// on two nodes: the claim's row lock (a transaction-scoped advisory lock on the user and
    /// token) makes the second wait for the first's answer.
    ///
    /// Without a claim, `operation` runs in a transaction of its own all the same.
    func answering<Outcome>(_ answering: Answering<Outcome>,
                            _ operation: @Sendable (PostgresConnection) async throws -> Outcome) async throws -> RecordedAnswer {
        try await transaction { connection in
            guard let claim = answering.claim else { return try answering.answer(try await operation(connection)) }
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\(SecretBox.retryAnswerContext(claim)), 0))", logger: logger)
            switch try await retryClaimState(claim, on: connection) {
            case .answered(let recorded): return recorded
            case .conflicting: throw RetryClaim.reused
            case .unused: break
            }
            let answer = try answering.answer(try await operation(connection))
            try await recordRetryAnswer(claim, answer, on: connection)
            return answer
        }
    }

    /// Records the answer to `claim` (replacing one past the retention) and purges the expired.
    func recordRetryAnswer(_ claim: RetryClaim, _ answer: RecordedAnswer, on connection: PostgresConnection) async throws {
        let sealed = try secrets.seal(Data(answer.body.utf8), context: SecretBox.retryAnswerContext(claim))
        let time = now()
        try await connection.query("DELETE FROM api_retry_token WHERE time_created < \(time.addingTimeInterval(-RetryToken.retention))",
                                   logger: logger)
        try await connection.query("""
            INSERT INTO api_retry_token (user_id, token, request, status, body, etag, work_request_id, time_created)
            VALUES (\(claim.user.rawValue), \(claim.token.value), \(claim.request), \(answer.status), \(ByteBuffer(bytes: sealed)),
                    \(answer.etag), \(answer.workRequestId), \(time))
            ON CONFLICT (user_id, token) DO UPDATE SET request = EXCLUDED.request, status = EXCLUDED.status, body = EXCLUDED.body,
                etag = EXCLUDED.etag, work_request_id = EXCLUDED.work_request_id, time_created = EXCLUDED.time_created
            """, logger: logger)
    }
}
