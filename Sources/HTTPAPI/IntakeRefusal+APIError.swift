import EnvoiCore

extension IntakeRefusal {
    /// The HTTPS answer for this refusal (BEHAVIOUR.md §2).
    var apiError: APIError {
        switch self {
        case .senderNotAuthorized(let address, _):
            .notAuthorizedOrNotFound("Authorization failed: address \(address) not authorized or not found")
        case .limitReached(.perMinute(let limit)):
            APIError(.badRequest, .limitExceeded, "Maximum messages sent per minute reached : limit is \(limit)")
        case .limitReached(.perDay(let limit)):
            APIError(.badRequest, .limitExceeded, "Maximum messages sent per day reached : limit is \(limit)")
        case .tooLarge(let limit):
            APIError(.contentTooLarge, .requestEntityTooLarge, "Message exceeds byte limit : limit is \(limit)")
        case .unparsable:
            .invalid("Message parse error: the message has no valid header section or no From address")
        case .storageFailure, .temporaryFailure, .mailSystemFailure:
            .internalServerError
        }
    }
}
