import DKIM
import EnvoiCore
import EnvoiStore
import Foundation

/// Creates DKIM keys for email domains of the SQLite store: `DkimKeyGenerator` makes the key
/// pair (or reads an imported PEM) and what the domain owner publishes; this stores the private
/// key sealed under the master key. `envoi dkim create`, the console and the demo create keys
/// through it.
public struct DkimKeyFactory: Sendable {
    /// The store that keeps the key.
    public let store: ControlPlaneStore
    /// Makes the keys, storing nothing.
    public let generator: DkimKeyGenerator
    /// `dkim.publish_zone`: the CNAME targets are under it.
    public var publishZone: DomainName { generator.publishZone }

    public init(store: ControlPlaneStore, publishZone: DomainName, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.generator = DkimKeyGenerator(publishZone: publishZone, now: now)
    }

    /// What to create.
    public struct Request: Sendable {
        /// The email domain the key signs for.
        public var emailDomainId: OCID
        /// Nil picks `envoi-YYYYMMDD`.
        public var selector: String?
        /// The kind of key to generate; ignored when `privateKeyPEM` is given.
        public var algorithm: DKIMPrivateKey.Kind
        /// A PEM private key to import instead of generating one (`isImported`).
        public var privateKeyPEM: String?
        public var description: String?
        /// How the caller named the private key, for error messages (`private-key` in the CLI,
        /// `privateKey` in the API).
        public var privateKeyField: String
        public var tags: ResourceTags

        public init(emailDomainId: OCID, selector: String? = nil, algorithm: DKIMPrivateKey.Kind = .rsa2048,
                    privateKeyPEM: String? = nil, description: String? = nil, privateKeyField: String = "private-key",
                    tags: ResourceTags = .none) {
            self.emailDomainId = emailDomainId
            self.tags = tags
            self.privateKeyField = privateKeyField
            self.selector = selector
            self.algorithm = algorithm
            self.privateKeyPEM = privateKeyPEM
            self.description = description
        }
    }

    /// Creates and stores a key. It starts in NEEDS_ATTENTION with the instruction to publish
    /// its CNAME: until the DNS checker finds the record, nothing is signed with it.
    public func create(_ request: Request) throws -> DkimKey {
        let (key, privateKeyPEM) = try make(request)
        return try store.insertDkim(key, privateKeyPEM: privateKeyPEM)
    }

    /// Validates the request and generates (or reads) the key pair, storing nothing: key
    /// generation takes long and must not hold the store's write lock.
    public func make(_ request: Request) throws -> (key: DkimKey, privateKeyPEM: String) {
        try generator.make(request, domain: try store.emailDomain(request.emailDomainId))
    }
}

/// Makes DKIM keys for any backend: validates what the key is made of, generates the key pair
/// (or reads an imported PEM) and computes what the domain owner publishes, storing nothing.
/// The store looks the domain up and keeps the key, in its own transaction.
public struct DkimKeyGenerator: Sendable {
    /// `dkim.publish_zone`: the CNAME targets are under it.
    public let publishZone: DomainName
    let now: @Sendable () -> Date

    public init(publishZone: DomainName, now: @escaping @Sendable () -> Date = Date.init) {
        self.publishZone = publishZone
        self.now = now
    }

    /// Validates the request and generates (or reads) the key pair of `domain`, storing nothing.
    /// The key starts in NEEDS_ATTENTION with the instruction to publish its CNAME.
    public func make(_ request: DkimKeyFactory.Request, domain: EmailDomain) throws -> (key: DkimKey, privateKeyPEM: String) {
        let created = now()
        let selector = try request.selector.map { try ControlPlaneRules.dkimSelector($0) }
            ?? ControlPlaneRules.defaultDkimSelector(at: created)
        let description = try request.description.map { try ControlPlaneRules.description($0) }
        let tags = try ControlPlaneRules.tags(request.tags)
        let privateKey: DKIMPrivateKey
        do {
            if let pem = request.privateKeyPEM {
                privateKey = try DKIMPrivateKey(pemRepresentation: pem)
            } else {
                privateKey = try DKIMPrivateKey.generate(request.algorithm)
            }
        } catch {
            throw ControlPlaneError.invalid(field: request.privateKeyField, Self.explain(error))
        }
        let names = DkimRecordNames(selector: selector, domain: domain.name, publishZone: publishZone.value)
        let key = DkimKey(
            id: .generate(.dkim), name: selector, emailDomainId: domain.id, compartmentId: domain.compartmentId,
            lifecycleState: .needsAttention, lifecycleDetails: Self.initialDetails(names),
            description: description, timeCreated: created, timeUpdated: created,
            dnsSubdomainName: names.dnsSubdomainName, cnameRecordValue: names.cnameRecordValue,
            txtRecordValue: privateKey.publicKey.txtRecordValue, isImported: request.privateKeyPEM != nil,
            keyLength: privateKey.keySizeInBits, algorithm: privateKey.keyType.algorithmTag, tags: tags)
        return (key, privateKey.pemRepresentation)
    }

    /// The details of a new key: what to publish before it can sign.
    static func initialDetails(_ names: DkimRecordNames) -> String {
        "Publish the CNAME \(names.dnsSubdomainName) -> \(names.cnameRecordValue) "
            + "(or the TXT record shown by `envoi dkim show`), then run `envoi dkim check`."
    }

    private static func explain(_ error: DKIMError) -> String {
        switch error {
        case .unreadablePrivateKey: "not an RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8) PEM private key"
        default: error.description
        }
    }
}

extension DkimKeyGenerator: DkimKeyCreator {
    /// Makes a key as `envoi dkim create` does (the algorithm of a generated key is RSA-2048).
    public func makeDkimKey(_ creation: DkimCreation, domain: EmailDomain) throws -> (key: DkimKey, privateKeyPEM: String) {
        try make(DkimKeyFactory.Request(emailDomainId: creation.emailDomainId, selector: creation.selector,
                                        privateKeyPEM: creation.privateKeyPEM, description: creation.description,
                                        privateKeyField: "privateKey", tags: creation.tags),
                 domain: domain)
    }
}
