/// One AUTH exchange of PLAIN (RFC 4616) or LOGIN, from the AUTH command to the credentials.
///
/// The session has already checked that AUTH is allowed and that the mechanism is one of
/// these two; this type only walks the challenges and decodes the answers.
struct AuthenticationExchange: Sendable {
    /// What the server does next.
    enum Step: Hashable, Sendable {
        /// Send this `334` challenge and read the client's next line.
        case challenge(SMTPReply)
        /// The client's answers are complete: verify these credentials.
        case credentials(SASLCredentials)
        /// The exchange failed or was cancelled: send this reply; the session stays unauthenticated.
        case failed(SMTPReply)
    }

    private enum Stage: Sendable {
        case plainResponse
        case loginUsername
        case loginPassword(username: String)
    }

    private var stage: Stage

    private init(stage: Stage) {
        self.stage = stage
    }

    /// Starts an exchange for `mechanism`, which must be PLAIN or LOGIN.
    ///
    /// RFC 4954 §4: an initial response saves a round trip; for LOGIN it is the user name.
    static func start(mechanism: SASLMechanism, initialResponse: String?) -> (exchange: Self, step: Step) {
        if mechanism == .login {
            guard let initialResponse else {
                return (Self(stage: .loginUsername), .challenge(.usernameChallenge))
            }
            var exchange = Self(stage: .loginUsername)
            let step = exchange.answer(initialResponse)
            return (exchange, step)
        }
        guard let initialResponse else {
            // RFC 4616 §2 sends no challenge data: the server says `334 ` and waits.
            return (Self(stage: .plainResponse), .challenge(.emptyChallenge))
        }
        var exchange = Self(stage: .plainResponse)
        let step = exchange.answer(initialResponse)
        return (exchange, step)
    }

    /// Consumes the client's answer to the last challenge: one line, without CRLF.
    mutating func respond(to line: [UInt8]) -> Step {
        let text = String(decoding: line, as: UTF8.self)
        // RFC 4954 §4: a lone "*" cancels, and the server must answer 501.
        guard text != SASLResponseDecoder.cancellation else { return .failed(.authenticationAborted) }
        return answer(text)
    }

    private mutating func answer(_ text: String) -> Step {
        do {
            switch stage {
            case .plainResponse:
                return .credentials(try SASLResponseDecoder.decodePlain(text))
            case .loginUsername:
                stage = .loginPassword(username: try SASLResponseDecoder.decodeLogin(text))
                return .challenge(.passwordChallenge)
            case .loginPassword(let username):
                return .credentials(
                    SASLCredentials(username: username, password: try SASLResponseDecoder.decodeLogin(text)))
            }
        } catch {
            return .failed(error.reply)
        }
    }
}
