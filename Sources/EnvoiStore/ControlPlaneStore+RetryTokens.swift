import EnvoiCore
import EnvoiSecrets
import Foundation
import GRDB

/// The answers given under `opc-retry-token`s, kept `RetryToken.retention` (24 hours) per user.
/// A body is sealed under the master key: the answer to createSmtpCredential holds the password,
/// which is never stored in clear.
extension ControlPlaneStore {
    /// What the ledger holds for `claim` (inside `atomically`, what that transaction sees).
    public func retryClaimState(_ claim: RetryClaim) throws -> RetryClaimState {
        let since = now().addingTimeInterval(-RetryToken.retention)
        let row = try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_retry_token WHERE user_id = ? AND token = ? AND time_created >= ?",
                             arguments: [claim.user.rawValue, claim.token.value, since])
        }
        guard let row else { return .unused }
        guard row["request"] == claim.request else { return .conflicting }
        let body = try secrets.open(row["body"], context: SecretBox.retryAnswerContext(claim))
        return .answered(RecordedAnswer(status: row["status"], body: String(decoding: body, as: UTF8.self),
                                        etag: row["etag"], workRequestId: row["work_request_id"]))
    }

    /// Records the answer to `claim` (replacing one past the retention) and purges the expired.
    public func recordRetryAnswer(_ claim: RetryClaim, _ answer: RecordedAnswer) throws {
        let sealed = try secrets.seal(Data(answer.body.utf8), context: SecretBox.retryAnswerContext(claim))
        let time = now()
        try write { db in
            try db.execute(sql: "DELETE FROM api_retry_token WHERE time_created < ?", arguments: [time.addingTimeInterval(-RetryToken.retention)])
            try db.execute(sql: """
                INSERT OR REPLACE INTO api_retry_token (user_id, token, request, status, body, etag, work_request_id, time_created)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [claim.user.rawValue, claim.token.value, claim.request, answer.status, sealed, answer.etag,
                                 answer.workRequestId, time])
        }
    }

    /// Runs `operation` and answers it; with a claim, in one transaction that first looks the
    /// claim up (a retry gets the recorded answer, another request under the token a conflict)
    /// and then records the answer, so that two concurrent retries perform the operation once.
    public func answering<Outcome>(_ answering: Answering<Outcome>, _ operation: () throws -> Outcome) throws -> RecordedAnswer {
        guard let claim = answering.claim else { return try answering.answer(try operation()) }
        return try atomically {
            switch try retryClaimState(claim) {
            case .answered(let recorded): return recorded
            case .conflicting: throw RetryClaim.reused
            case .unused: break
            }
            let answer = try answering.answer(try operation())
            try recordRetryAnswer(claim, answer)
            return answer
        }
    }
}
