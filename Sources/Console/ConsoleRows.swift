import EnvoiCore
import Foundation

/// An approved sender as the Senders pane lists it.
public struct SenderRow: Sendable, Equatable {
    public var id: OCID
    public var address: String
    /// The compartment's name (its id when the name is unknown).
    public var compartment: String
    public var state: String
    public var isSpf: Bool
    public var created: Date

    public init(id: OCID, address: String, compartment: String, state: String, isSpf: Bool, created: Date) {
        self.id = id
        self.address = address
        self.compartment = compartment
        self.state = state
        self.isSpf = isSpf
        self.created = created
    }
}

/// An email domain as the Domains pane lists it.
public struct DomainRow: Sendable, Equatable {
    public var id: OCID
    public var name: String
    public var state: String
    /// The selector of the ACTIVE DKIM key, if any.
    public var activeSelector: String?
    public var isSpf: Bool
    public var created: Date

    public init(id: OCID, name: String, state: String, activeSelector: String?, isSpf: Bool, created: Date) {
        self.id = id
        self.name = name
        self.state = state
        self.activeSelector = activeSelector
        self.isSpf = isSpf
        self.created = created
    }
}

/// A DKIM key and the name of its domain, with the records to publish.
public struct DkimKeyRow: Sendable, Equatable {
    public var key: DkimKey
    public var domain: String

    public init(key: DkimKey, domain: String) {
        self.key = key
        self.domain = domain
    }

    /// `<name>. 3600 IN CNAME <target>.`: the record a domain owner adds (the CNAME way).
    public var cnameRecord: String { "\(key.dnsSubdomainName). 3600 IN CNAME \(key.cnameRecordValue)." }
}

/// One line of the Activity pane: a delivery event from the event log, or a refusal counted live.
public struct ActivityEvent: Sendable, Equatable {
    public var id: Int64
    public var time: Date
    public var type: String
    public var recipient: String?
    public var sender: String?
    /// The reply or status (`250 …`, `455 4.7.0 …`, a reason).
    public var status: String?
    public var messageId: String?

    public init(id: Int64, time: Date, type: String, recipient: String? = nil, sender: String? = nil, status: String? = nil,
                messageId: String? = nil) {
        self.id = id
        self.time = time
        self.type = type
        self.recipient = recipient
        self.sender = sender
        self.status = status
        self.messageId = messageId
    }

    /// Everything the `/` filter matches against.
    var searchText: String {
        [type, recipient ?? "", sender ?? "", status ?? "", messageId ?? ""].joined(separator: " ").lowercased()
    }
}

/// A message kept by the capture transport.
public struct MailItem: Sendable, Equatable {
    public var id: Int64
    public var delivered: Date
    public var sender: String
    public var recipients: [String]
    public var dkimSelector: String?
    public var size: Int

    public init(id: Int64, delivered: Date, sender: String, recipients: [String], dkimSelector: String?, size: Int) {
        self.id = id
        self.delivered = delivered
        self.sender = sender
        self.recipients = recipients
        self.dkimSelector = dkimSelector
        self.size = size
    }
}

/// A kept message opened with Enter: its header section (with the DKIM-Signature) and body.
public struct MailMessageText: Sendable, Equatable {
    public var id: Int64
    public var lines: [String]

    public init(id: Int64, text: String) {
        self.id = id
        lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

/// Which page of suppressions to read: keyset pagination by address, filtered by prefix and reason.
public struct SuppressionRequest: Sendable, Equatable {
    public var prefix: String
    public var reason: SuppressionReason?
    /// The store's token of the page (nil: the first page).
    public var page: String?

    public init(prefix: String = "", reason: SuppressionReason? = nil, page: String? = nil) {
        self.prefix = prefix
        self.reason = reason
        self.page = page
    }
}

/// One page of suppressions as read, and the token of the next.
public struct SuppressionPageResult: Sendable, Equatable {
    public var request: SuppressionRequest
    public var items: [Suppression]
    public var nextPage: String?

    public init(request: SuppressionRequest, items: [Suppression], nextPage: String?) {
        self.request = request
        self.items = items
        self.nextPage = nextPage
    }
}
