import Foundation

/// Which slice of a list to return: `limit` items after skipping `offset` (the API turns the
/// offset into an opaque page token).
public struct PageRequest: Sendable, Equatable {
    public var offset: Int
    public var limit: Int

    /// The largest page the API returns, and the one it returns when no `limit` is given.
    public static let maximumLimit = 1_000
    public static let defaultLimit = 100

    public init(offset: Int = 0, limit: Int = PageRequest.defaultLimit) {
        self.offset = offset
        self.limit = limit
    }
}

/// One page of a list, and the offset of the next page (nil on the last page).
public struct ListPage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextOffset: Int?

    public init(items: [Item], nextOffset: Int?) {
        self.items = items
        self.nextOffset = nextOffset
    }

    /// The first `page.limit` of `fetched`, which a store fetched with one extra row (`LIMIT
    /// limit + 1`) to know whether a next page exists.
    public init(fetched: [Item], _ page: PageRequest) {
        let hasMore = fetched.count > page.limit
        self.init(items: Array(fetched.prefix(page.limit)), nextOffset: hasMore ? page.offset + page.limit : nil)
    }
}

/// `sortOrder`.
public enum ListOrder: String, Sendable, CaseIterable {
    case ascending = "ASC", descending = "DESC"
}

/// `sortBy` of senders and suppressions.
public enum AddressSortField: String, Sendable, CaseIterable {
    case timeCreated = "TIMECREATED", emailAddress = "EMAILADDRESS"

    /// The cloud service lists newest first by time and A to Z by address.
    public var defaultOrder: ListOrder { self == .timeCreated ? .descending : .ascending }
}

/// `sortBy` of email domains (and DKIM keys).
public enum NamedSortField: String, Sendable, CaseIterable {
    case timeCreated = "TIMECREATED", id = "ID", name = "NAME"

    public var defaultOrder: ListOrder { self == .timeCreated ? .descending : .ascending }
}

/// `GET /senders`: the filters of list_senders.
public struct SenderQuery: Sendable {
    public var compartment: OCID
    public var lifecycleState: SenderLifecycleState?
    /// Senders whose address is in this domain.
    public var domain: String?
    public var emailAddress: String?
    public var sortBy: AddressSortField
    public var sortOrder: ListOrder
    public var page: PageRequest

    public init(compartment: OCID, lifecycleState: SenderLifecycleState? = nil, domain: String? = nil, emailAddress: String? = nil,
                sortBy: AddressSortField = .timeCreated, sortOrder: ListOrder? = nil, page: PageRequest = PageRequest()) {
        self.compartment = compartment
        self.lifecycleState = lifecycleState
        self.domain = domain
        self.emailAddress = emailAddress
        self.sortBy = sortBy
        self.sortOrder = sortOrder ?? sortBy.defaultOrder
        self.page = page
    }
}

/// `GET /suppressions`: the filters of list_suppressions (the list is tenancy-wide).
public struct SuppressionQuery: Sendable {
    public var emailAddress: String?
    public var timeCreatedGreaterThanOrEqualTo: Date?
    public var timeCreatedLessThan: Date?
    public var sortBy: AddressSortField
    public var sortOrder: ListOrder
    public var page: PageRequest

    public init(emailAddress: String? = nil, timeCreatedGreaterThanOrEqualTo: Date? = nil, timeCreatedLessThan: Date? = nil,
                sortBy: AddressSortField = .timeCreated, sortOrder: ListOrder? = nil, page: PageRequest = PageRequest()) {
        self.emailAddress = emailAddress
        self.timeCreatedGreaterThanOrEqualTo = timeCreatedGreaterThanOrEqualTo
        self.timeCreatedLessThan = timeCreatedLessThan
        self.sortBy = sortBy
        self.sortOrder = sortOrder ?? sortBy.defaultOrder
        self.page = page
    }
}

/// `GET /emailDomains`: the filters of list_email_domains.
public struct EmailDomainQuery: Sendable {
    public var compartment: OCID
    public var id: OCID?
    public var name: String?
    public var lifecycleState: EmailDomainLifecycleState?
    public var sortBy: NamedSortField
    public var sortOrder: ListOrder
    public var page: PageRequest

    public init(compartment: OCID, id: OCID? = nil, name: String? = nil, lifecycleState: EmailDomainLifecycleState? = nil,
                sortBy: NamedSortField = .timeCreated, sortOrder: ListOrder? = nil, page: PageRequest = PageRequest()) {
        self.compartment = compartment
        self.id = id
        self.name = name
        self.lifecycleState = lifecycleState
        self.sortBy = sortBy
        self.sortOrder = sortOrder ?? sortBy.defaultOrder
        self.page = page
    }
}

/// `GET /workRequests`: the filters of list_work_requests (sorted by `timeAccepted`).
public struct WorkRequestQuery: Sendable {
    public var compartment: OCID
    public var workRequestId: OCID?
    public var status: WorkRequestStatus?
    public var operationType: WorkRequestOperationType?
    public var sortOrder: ListOrder
    public var page: PageRequest

    public init(compartment: OCID, workRequestId: OCID? = nil, status: WorkRequestStatus? = nil,
                operationType: WorkRequestOperationType? = nil, sortOrder: ListOrder = .descending, page: PageRequest = PageRequest()) {
        self.compartment = compartment
        self.workRequestId = workRequestId
        self.status = status
        self.operationType = operationType
        self.sortOrder = sortOrder
        self.page = page
    }
}

/// `GET /dkims`: the filters of list_dkims (always within one email domain).
public struct DkimQuery: Sendable {
    public var emailDomainId: OCID
    public var id: OCID?
    public var name: String?
    public var lifecycleState: DkimLifecycleState?
    public var sortBy: NamedSortField
    public var sortOrder: ListOrder
    public var page: PageRequest

    public init(emailDomainId: OCID, id: OCID? = nil, name: String? = nil, lifecycleState: DkimLifecycleState? = nil,
                sortBy: NamedSortField = .timeCreated, sortOrder: ListOrder? = nil, page: PageRequest = PageRequest()) {
        self.emailDomainId = emailDomainId
        self.id = id
        self.name = name
        self.lifecycleState = lifecycleState
        self.sortBy = sortBy
        self.sortOrder = sortOrder ?? sortBy.defaultOrder
        self.page = page
    }
}
