import Foundation

/// An email domain (`EmailDomain`): the domain part of approved senders, the owner of DKIM keys.
public struct EmailDomain: Sendable, Codable, Equatable {
    public var id: OCID
    public var name: String
    public var compartmentId: OCID
    public var lifecycleState: EmailDomainLifecycleState
    public var activeDkimId: OCID?
    public var isSpf: Bool
    public var domainVerificationStatus: DomainVerificationStatus
    public var description: String?
    public var timeCreated: Date
    public var tags: ResourceTags
    public var locks: [ResourceLock]

    public init(id: OCID, name: String, compartmentId: OCID, lifecycleState: EmailDomainLifecycleState = .active,
                activeDkimId: OCID? = nil, isSpf: Bool = false, domainVerificationStatus: DomainVerificationStatus = .none,
                description: String? = nil, timeCreated: Date, tags: ResourceTags = .none, locks: [ResourceLock] = []) {
        self.tags = tags
        self.locks = locks
        self.id = id
        self.name = name
        self.compartmentId = compartmentId
        self.lifecycleState = lifecycleState
        self.activeDkimId = activeDkimId
        self.isSpf = isSpf
        self.domainVerificationStatus = domainVerificationStatus
        self.description = description
        self.timeCreated = timeCreated
    }
}

/// A DKIM key of an email domain (`Dkim`). The private key never leaves the store in clear
/// except to the signer; this value carries only what the API shows.
public struct DkimKey: Sendable, Codable, Equatable {
    public var id: OCID
    /// The selector.
    public var name: String
    public var emailDomainId: OCID
    public var compartmentId: OCID
    public var lifecycleState: DkimLifecycleState
    public var lifecycleDetails: String?
    public var description: String?
    public var timeCreated: Date
    public var timeUpdated: Date
    public var dnsSubdomainName: String
    public var cnameRecordValue: String
    public var txtRecordValue: String
    public var isImported: Bool
    public var keyLength: Int
    /// `rsa-sha256` or `ed25519-sha256`.
    public var algorithm: String
    public var tags: ResourceTags

    public init(id: OCID, name: String, emailDomainId: OCID, compartmentId: OCID, lifecycleState: DkimLifecycleState,
                lifecycleDetails: String? = nil, description: String? = nil, timeCreated: Date, timeUpdated: Date,
                dnsSubdomainName: String, cnameRecordValue: String, txtRecordValue: String,
                isImported: Bool, keyLength: Int, algorithm: String, tags: ResourceTags = .none) {
        self.tags = tags
        self.id = id
        self.name = name
        self.emailDomainId = emailDomainId
        self.compartmentId = compartmentId
        self.lifecycleState = lifecycleState
        self.lifecycleDetails = lifecycleDetails
        self.description = description
        self.timeCreated = timeCreated
        self.timeUpdated = timeUpdated
        self.dnsSubdomainName = dnsSubdomainName
        self.cnameRecordValue = cnameRecordValue
        self.txtRecordValue = txtRecordValue
        self.isImported = isImported
        self.keyLength = keyLength
        self.algorithm = algorithm
    }

    /// At most two DKIM keys per domain (one signing, one being rotated in), one of them ACTIVE.
    public static let maximumPerDomain = 2
}

/// An approved sender (`Sender`): an address, or an `@domain` wildcard.
public struct Sender: Sendable, Codable, Equatable {
    public var id: OCID
    public var compartmentId: OCID
    public var emailAddress: String
    public var emailDomainId: OCID?
    public var isSpf: Bool
    public var lifecycleState: SenderLifecycleState
    public var timeCreated: Date
    public var tags: ResourceTags
    public var locks: [ResourceLock]

    public init(id: OCID, compartmentId: OCID, emailAddress: String, emailDomainId: OCID? = nil, isSpf: Bool = false,
                lifecycleState: SenderLifecycleState = .active, timeCreated: Date, tags: ResourceTags = .none, locks: [ResourceLock] = []) {
        self.tags = tags
        self.locks = locks
        self.id = id
        self.compartmentId = compartmentId
        self.emailAddress = emailAddress
        self.emailDomainId = emailDomainId
        self.isSpf = isSpf
        self.lifecycleState = lifecycleState
        self.timeCreated = timeCreated
    }
}

/// A suppressed recipient (`Suppression`): never sent to while the entry exists.
public struct Suppression: Sendable, Codable, Equatable {
    public var id: OCID
    /// Always the tenancy (suppressions are tenancy-wide, as in the cloud service).
    public var compartmentId: OCID
    /// Lower-cased.
    public var emailAddress: String
    public var reason: SuppressionReason
    public var timeCreated: Date
    public var timeLastSuppressed: Date
    /// The Message-ID (without angle brackets) of the message that caused the entry.
    public var messageId: String?
    /// Usually the remote SMTP reply.
    public var errorDetail: String?
    /// The remote or reporting MTA's name.
    public var errorSource: String?

    public init(id: OCID, compartmentId: OCID, emailAddress: String, reason: SuppressionReason, timeCreated: Date,
                timeLastSuppressed: Date, messageId: String? = nil, errorDetail: String? = nil, errorSource: String? = nil) {
        self.id = id
        self.compartmentId = compartmentId
        self.emailAddress = emailAddress
        self.reason = reason
        self.timeCreated = timeCreated
        self.timeLastSuppressed = timeLastSuppressed
        self.messageId = messageId
        self.errorDetail = errorDetail
        self.errorSource = errorSource
    }
}
