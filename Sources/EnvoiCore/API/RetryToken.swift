import Foundation

/// An `opc-retry-token` (spec/OCI-API.md §2): the caller's name for one mutation, so that a retry
/// after a timeout or a 5xx gets the original answer instead of creating or moving twice.
public struct RetryToken: Sendable, Hashable, CustomStringConvertible {
    /// The longest token accepted, as the cloud service (64 characters).
    public static let maximumLength = 64
    /// How long an answer is kept for retries, as the cloud service (24 hours).
    public static let retention: TimeInterval = 86_400

    public let value: String

    /// Nil when `text` is empty, longer than `maximumLength`, or holds anything but printable
    /// ASCII: the token is stored and compared as it is, so it must be plain text.
    public init?(_ text: String) {
        guard (1...Self.maximumLength).contains(text.utf8.count), text.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
            return nil
        }
        value = text
    }

    public var description: String { value }
}

/// One use of a retry token: by whom, and for which request. Tokens are per user, so that two
/// callers who pick the same token never see each other's answers.
public struct RetryClaim: Sendable, Equatable {
    public var user: OCID
    public var token: RetryToken
    /// A digest of the method, the target and the body: the same token on another request is a conflict.
    public var request: String

    public init(user: OCID, token: RetryToken, request: String) {
        self.user = user
        self.token = token
        self.request = request
    }

    /// The refusal of a token already used by this caller for another request (409 Conflict).
    public static let reused = ControlPlaneError.conflict(
        "The opc-retry-token was already used for a different request within 24 hours: use a new retry token")
}

/// The answer given to the first request of a retry token, given again to its retries.
public struct RecordedAnswer: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The JSON body; empty when there is none.
    public var body: String
    public var etag: String?
    public var workRequestId: String?

    public init(status: Int, body: String, etag: String? = nil, workRequestId: String? = nil) {
        self.status = status
        self.body = body
        self.etag = etag
        self.workRequestId = workRequestId
    }
}

/// What the ledger holds for a claim.
public enum RetryClaimState: Sendable, Equatable {
    /// The token is new (or its answer is older than the retention).
    case unused
    /// The same request was answered: answer it again.
    case answered(RecordedAnswer)
    /// The token was used for another request.
    case conflicting
}

/// How an operation that accepts a retry token is answered: `answer` composes the response from
/// the operation's outcome, and when there is a claim the store records it in the operation's
/// own transaction, so that concurrent retries perform the operation once.
public struct Answering<Outcome: Sendable>: Sendable {
    public var claim: RetryClaim?
    public var answer: @Sendable (Outcome) throws -> RecordedAnswer

    public init(_ claim: RetryClaim?, answer: @escaping @Sendable (Outcome) throws -> RecordedAnswer) {
        self.claim = claim
        self.answer = answer
    }
}

/// The answers recorded under retry tokens, read before a request is even checked (a retry of
/// a change compartment no longer matches the old `if-match`).
public protocol RetryTokenLedger: Sendable {
    func state(of claim: RetryClaim) async throws -> RetryClaimState
}
