/// What happened to one recipient in one delivery attempt, classified as RFC 5321 §4.2.1 says:
/// 2yz delivered, 4yz transient (retry), 5yz permanent (bounce).
public enum DeliveryOutcome: Sendable, Equatable {
    /// The next hop took responsibility for the message.
    case relayed(status: String)
    /// A transient failure: try again later.
    case deferred(status: String)
    /// A permanent failure from the receiving side: bounce, and suppress the recipient.
    case bounced(status: String)

    /// Classifies a reply code (and its text) from the receiving server.
    public static func classify(code: Int, status: String) -> DeliveryOutcome {
        switch code {
        case 200..<300: .relayed(status: status)
        case 500..<600: .bounced(status: status)
        default: .deferred(status: status)
        }
    }

    /// The status line recorded in the event log.
    public var status: String {
        switch self {
        case .relayed(let status), .deferred(let status), .bounced(let status): status
        }
    }
}
