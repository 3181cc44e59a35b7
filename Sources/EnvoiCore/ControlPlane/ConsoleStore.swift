import Foundation

/// What the live console (`envoi console`) reads, and the one change it makes, beyond the
/// control plane's own protocols (`SenderStore`, `SuppressionStore`, `DkimStore`, and
/// `DkimCheckStore.allDkimKeys`): whole lists for its screens, the suppression list in address
/// pages, the event log and the capture mailbox. Implemented by the SQLite store (on a worker
/// thread) and the PostgreSQL store (several nodes' consoles then show the same database).
public protocol ConsoleStore: Sendable {
    /// Every approved sender with the name of its compartment, oldest first (then by id).
    func allSenders() async throws -> [SenderOfCompartment]

    /// Every email domain of every compartment, by name.
    func allEmailDomains() async throws -> [EmailDomain]

    /// A page of suppressions in address order (bytes), filtered by an address prefix and a
    /// reason; `page` is the `nextPage` token of the previous page. `limit` is 1…1000.
    func suppressions(prefix: String?, reason: SuppressionReason?, limit: Int, page: String?) async throws -> SuppressionPage

    /// The newest `limit` (1…10000) events of the delivery event log, newest first.
    func events(limit: Int) async throws -> [DeliveryEvent]

    /// The newest `limit` messages kept by the capture transport, newest first.
    func mailbox(limit: Int) async throws -> [MailboxEntry]

    /// One kept message and its bytes (not found: `ControlPlaneError` notFound).
    func mailboxMessage(_ id: Int64) async throws -> (MailboxEntry, [UInt8])

    /// Approves a sender in the tenancy's root compartment (what `envoi sender create` does).
    func createSenderInRootCompartment(email: String) async throws -> Sender
}

/// An approved sender together with its compartment's name.
public struct SenderOfCompartment: Sendable, Equatable {
    public let sender: Sender
    public let compartmentName: String

    public init(sender: Sender, compartmentName: String) {
        self.sender = sender
        self.compartmentName = compartmentName
    }
}

/// One page of suppressions and the token of the next (nil on the last page).
public struct SuppressionPage: Sendable {
    public var items: [Suppression]
    public var nextPage: String?

    /// The most entries one page returns.
    public static let maximumSize = 1_000

    public init(items: [Suppression], nextPage: String?) {
        self.items = items
        self.nextPage = nextPage
    }

    /// The token of the page after `address` (opaque to clients; every backend reads the same).
    public static func token(after address: String) -> String {
        Data(address.utf8).base64EncodedString()
    }

    /// The address a page token continues after.
    public static func address(fromToken token: String) throws -> String {
        guard let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8), !text.isEmpty else {
            throw ControlPlaneError.invalid(field: "page", "'\(token)' is not a page token returned by a previous list")
        }
        return text
    }

    /// Refuses a page size outside 1…`maximumSize`.
    public static func checkLimit(_ limit: Int) throws {
        guard (1...maximumSize).contains(limit) else {
            throw ControlPlaneError.invalid(field: "limit", "\(limit) is out of range (1...\(maximumSize))")
        }
    }
}

/// A message kept by the capture transport.
public struct MailboxEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var queueId: String
    public var messageId: String?
    public var envelopeSender: String
    public var recipients: [String]
    public var dkimSelector: String?
    public var size: Int
    public var timeDelivered: Date

    public init(id: Int64, queueId: String, messageId: String?, envelopeSender: String, recipients: [String], dkimSelector: String?,
                size: Int, timeDelivered: Date) {
        self.id = id
        self.queueId = queueId
        self.messageId = messageId
        self.envelopeSender = envelopeSender
        self.recipients = recipients
        self.dkimSelector = dkimSelector
        self.size = size
        self.timeDelivered = timeDelivered
    }
}

/// One event of the delivery event log.
public struct DeliveryEvent: Sendable, Codable, Equatable {
    public var id: Int64
    public var time: Date
    public var type: String
    public var queueId: String?
    public var messageId: String?
    public var envelopeSender: String?
    public var recipient: String?
    public var status: String?
    public var errorType: String?
    public var dkimSelector: String?
    public var source: String?

    /// The most events one read returns.
    public static let maximumLimit = 10_000

    public init(id: Int64, time: Date, type: String, queueId: String?, messageId: String?, envelopeSender: String?, recipient: String?,
                status: String?, errorType: String?, dkimSelector: String?, source: String?) {
        self.id = id
        self.time = time
        self.type = type
        self.queueId = queueId
        self.messageId = messageId
        self.envelopeSender = envelopeSender
        self.recipient = recipient
        self.status = status
        self.errorType = errorType
        self.dkimSelector = dkimSelector
        self.source = source
    }

    /// Refuses a limit outside 1…`maximumLimit`.
    public static func checkLimit(_ limit: Int) throws {
        guard (1...maximumLimit).contains(limit) else {
            throw ControlPlaneError.invalid(field: "limit", "\(limit) is out of range (1...\(maximumLimit))")
        }
    }
}
