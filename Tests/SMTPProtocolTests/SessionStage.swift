import SMTPProtocol

/// Every state a session can be in, each with a recipe to reach it from a new connection.
enum SessionStage: String, CaseIterable, Sendable, CustomStringConvertible {
    case awaitingConnection
    case connected
    case greetedBeforeTLS
    case startingTLS
    case tlsNotGreeted
    case tlsGreeted
    case authenticatingPlain
    case authenticatingLoginUsername
    case authenticatingLoginPassword
    case verifyingCredentials
    case authenticated
    case authorizingSender
    case inTransaction
    case checkingRecipient
    case withRecipient
    case receivingData
    case committing
    case closed

    var description: String { rawValue }

    /// The stages that read commands.
    static let commandStages: [SessionStage] = [
        .connected, .greetedBeforeTLS, .tlsNotGreeted, .tlsGreeted, .authenticated, .inTransaction, .withRecipient,
    ]

    /// The stages that wait for a result from the handler.
    static let waitingStages: [SessionStage] = [
        .startingTLS, .verifyingCredentials, .authorizingSender, .checkingRecipient, .committing,
    ]

    /// A conversation brought to this stage.
    func make() -> Conversation {
        switch self {
        case .awaitingConnection: return Conversation()
        case .connected: return .connected()
        case .greetedBeforeTLS: return .greetedBeforeTLS()
        case .startingTLS: return Self.greetedBeforeTLS.sending("STARTTLS\r\n")
        case .tlsNotGreeted: return .tlsNotGreeted()
        case .tlsGreeted: return .tlsGreeted()
        case .authenticatingPlain: return Self.tlsGreeted.sending("AUTH PLAIN\r\n")
        case .authenticatingLoginUsername: return Self.tlsGreeted.sending("AUTH LOGIN\r\n")
        case .authenticatingLoginPassword: return Self.tlsGreeted.sending("AUTH LOGIN\r\nYWxpY2U=\r\n")
        case .verifyingCredentials: return Self.tlsGreeted.sending("AUTH PLAIN \(Conversation.alicePlain)\r\n")
        case .authenticated: return .authenticated()
        case .authorizingSender: return Self.authenticated.sending("MAIL FROM:<alice@example.com>\r\n")
        case .inTransaction: return .inTransaction()
        case .checkingRecipient: return Self.inTransaction.sending("RCPT TO:<bob@example.org>\r\n")
        case .withRecipient: return .withRecipient()
        case .receivingData: return .receivingData()
        case .committing: return Self.receivingData.sending("Subject: x\r\n\r\nhi\r\n.\r\n")
        case .closed: return Self.connected.sending("QUIT\r\n")
        }
    }

    private func sending(_ text: String) -> Conversation {
        var conversation = make()
        _ = conversation.send(text)
        return conversation
    }
}
