import DNSResolver
import EnvoiCore
import EnvoiStore

/// Sets an email domain's `isSpf` from its SPF record (RFC 7208): true when the record
/// includes `spf.include`. A failed lookup changes nothing and is reported.
public struct SpfChecker: Sendable {
    let store: ControlPlaneStore
    let resolver: DNSResolver
    /// The domain customers' SPF records include (`spf.include`).
    public let include: DomainName

    public init(store: ControlPlaneStore, resolver: DNSResolver, include: DomainName) {
        self.store = store
        self.resolver = resolver
        self.include = include
    }

    /// What one check found.
    public struct Result: Sendable {
        /// The domain as stored after the check.
        public let domain: EmailDomain
        /// What the SPF record says, or nil when the lookup failed.
        public let inclusion: SPFInclusion?
        /// One sentence: the finding and what to publish, or the lookup failure.
        public let explanation: String
    }

    /// Looks the domain's TXT records up now and records `isSpf`.
    public func check(_ id: OCID) async throws -> Result {
        let domain = try store.emailDomain(id)
        let response: DNSResponse
        do {
            response = try await resolver.query(domain.name, .txt)
        } catch {
            return Result(domain: domain, inclusion: nil,
                          explanation: "The DNS lookup of \(domain.name) failed: \(error). isSpf stays \(domain.isSpf).")
        }
        let inclusion = SPFInclusion.evaluate(txtRecords: response.txtRecords(at: domain.name), include: include.value)
        let updated = try store.setEmailDomainSpf(id, isSpf: inclusion.isSpf)
        return Result(domain: updated, inclusion: inclusion, explanation: inclusion.explanation(domain: domain.name, include: include.value))
    }

    /// Checks every email domain, one after the other; a domain that cannot be checked is
    /// reported and does not stop the others.
    public func checkAll() async -> [(id: OCID, outcome: Swift.Result<Result, any Error>)] {
        guard let domains = try? store.emailDomains() else { return [] }
        var outcomes: [(id: OCID, outcome: Swift.Result<Result, any Error>)] = []
        for domain in domains {
            do {
                outcomes.append((domain.id, .success(try await check(domain.id))))
            } catch {
                outcomes.append((domain.id, .failure(error)))
            }
        }
        return outcomes
    }
}
