import Foundation

/// A compartment: a node of the tenancy's tree. The root compartment's id is the tenancy's id,
/// as in the cloud service (`Configuration.compartmentId` is "the root compartment, i.e. the tenancy").
public struct Compartment: Sendable, Codable, Equatable {
    public var id: OCID
    /// The parent compartment; nil for the root (the tenancy).
    public var compartmentId: OCID?
    public var name: String
    public var description: String
    public var lifecycleState: IdentityLifecycleState
    public var timeCreated: Date

    public init(id: OCID, compartmentId: OCID?, name: String, description: String,
                lifecycleState: IdentityLifecycleState = .active, timeCreated: Date) {
        self.id = id
        self.compartmentId = compartmentId
        self.name = name
        self.description = description
        self.lifecycleState = lifecycleState
        self.timeCreated = timeCreated
    }

    /// True for the tenancy's root compartment.
    public var isRoot: Bool { compartmentId == nil }
}

/// A user of the tenancy: owns SMTP credentials and API keys, belongs to groups.
public struct User: Sendable, Codable, Equatable {
    public var id: OCID
    public var compartmentId: OCID
    public var name: String
    public var description: String
    public var lifecycleState: IdentityLifecycleState
    public var timeCreated: Date

    public init(id: OCID, compartmentId: OCID, name: String, description: String,
                lifecycleState: IdentityLifecycleState = .active, timeCreated: Date) {
        self.id = id
        self.compartmentId = compartmentId
        self.name = name
        self.description = description
        self.lifecycleState = lifecycleState
        self.timeCreated = timeCreated
    }
}

/// A group of users; policies grant permissions to groups.
public struct Group: Sendable, Codable, Equatable {
    public var id: OCID
    public var compartmentId: OCID
    public var name: String
    public var description: String
    public var lifecycleState: IdentityLifecycleState
    public var timeCreated: Date

    public init(id: OCID, compartmentId: OCID, name: String, description: String,
                lifecycleState: IdentityLifecycleState = .active, timeCreated: Date) {
        self.id = id
        self.compartmentId = compartmentId
        self.name = name
        self.description = description
        self.lifecycleState = lifecycleState
        self.timeCreated = timeCreated
    }
}

/// A policy attached to a compartment: a list of statements (see `PolicyStatement`).
public struct Policy: Sendable, Codable, Equatable {
    public var id: OCID
    public var compartmentId: OCID
    public var name: String
    public var description: String
    public var statements: [String]
    public var lifecycleState: IdentityLifecycleState
    public var timeCreated: Date

    public init(id: OCID, compartmentId: OCID, name: String, description: String, statements: [String],
                lifecycleState: IdentityLifecycleState = .active, timeCreated: Date) {
        self.id = id
        self.compartmentId = compartmentId
        self.name = name
        self.description = description
        self.statements = statements
        self.lifecycleState = lifecycleState
        self.timeCreated = timeCreated
    }

    /// The statements read back from their column (a JSON array of strings in every backend);
    /// unreadable statements read as none, which grants nothing.
    package static func statements(column: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(column.utf8))) ?? []
    }
}

/// An SMTP credential (Identity `SmtpCredential`). The password exists only at creation; the store
/// keeps a salted slow hash of it.
public struct SmtpCredential: Sendable, Codable, Equatable {
    public var id: OCID
    public var userId: OCID
    public var username: String
    public var description: String
    public var lifecycleState: CredentialLifecycleState
    public var timeCreated: Date
    public var timeExpires: Date?

    public init(id: OCID, userId: OCID, username: String, description: String,
                lifecycleState: CredentialLifecycleState = .active, timeCreated: Date, timeExpires: Date? = nil) {
        self.id = id
        self.userId = userId
        self.username = username
        self.description = description
        self.lifecycleState = lifecycleState
        self.timeCreated = timeCreated
        self.timeExpires = timeExpires
    }

    /// At most two SMTP credentials per user, as in the cloud service.
    public static let maximumPerUser = 2
}

/// An API signing key registered for a user (request signing, spec/OCI-API.md §7).
public struct ApiKey: Sendable, Codable, Equatable {
    public var id: OCID
    public var userId: OCID
    /// MD5 of the DER SubjectPublicKeyInfo, lower-case colon-separated hex, as the SDK computes it.
    public var fingerprint: String
    public var lifecycleState: IdentityLifecycleState
    public var timeCreated: Date

    public init(id: OCID, userId: OCID, fingerprint: String,
                lifecycleState: IdentityLifecycleState = .active, timeCreated: Date) {
        self.id = id
        self.userId = userId
        self.fingerprint = fingerprint
        self.lifecycleState = lifecycleState
        self.timeCreated = timeCreated
    }

    /// At most three API keys per user, as in the cloud service.
    public static let maximumPerUser = 3
}
