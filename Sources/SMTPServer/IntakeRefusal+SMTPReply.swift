import EnvoiCore
import SMTPProtocol

extension IntakeRefusal {
    /// The SMTP reply for this refusal (BEHAVIOUR.md §1).
    var smtpReply: SMTPReply {
        switch self {
        case .senderNotAuthorized(let address, _): .authorizationFailed(address: address)
        case .limitReached(.perMinute(let limit)): .perMinuteLimitReached(limit: limit)
        case .limitReached(.perDay(let limit)): .perDayLimitReached(limit: limit)
        case .tooLarge: .exceedsByteLimit
        case .unparsable: .messageParseError
        case .storageFailure: .systemStorageError
        case .temporaryFailure: .serverError
        case .mailSystemFailure: .mailSystemFailure
        }
    }

    /// Whether this refusal counts toward the auth-failure throttle (an unapproved sender does).
    var countsAsAuthFailure: Bool {
        if case .senderNotAuthorized = self { return true }
        return false
    }
}
