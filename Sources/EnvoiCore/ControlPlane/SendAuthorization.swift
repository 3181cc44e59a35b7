/// The one answer to "may this credential's user send with envelope sender X and header From Y?"
/// (BEHAVIOUR.md §3). Pure: built from values the store read in one transaction.
public struct SendAuthorization: Sendable {
    /// Why an address was refused. Every case answers `535 Authorization failed: address <address>
    /// not authorized` on SMTP and `404 NotAuthorizedOrNotFound` on HTTPS; the case is for the
    /// event log and the operator.
    public enum Denial: Sendable, Equatable, CustomStringConvertible {
        /// No approved sender matches the address (in the compartment, when one was named).
        case notApproved(String)
        /// Only an `@domain` wildcard matches, and that domain has no ACTIVE DKIM key.
        case wildcardWithoutActiveDkim(String)
        /// An approved sender matches, but no policy lets the user's groups use email in its compartment.
        case notPermitted(String)

        /// The refused address.
        public var address: String {
            switch self {
            case .notApproved(let a), .wildcardWithoutActiveDkim(let a), .notPermitted(let a): a
            }
        }

        public var description: String {
            switch self {
            case .notApproved(let a): "\(a) is not an approved sender"
            case .wildcardWithoutActiveDkim(let a): "\(a) matches only a wildcard sender whose domain has no ACTIVE DKIM key"
            case .notPermitted(let a): "\(a) is approved, but no policy lets the user's groups use email-family in its compartment"
            }
        }
    }

    /// The outcome: allowed, with the approved sender used for the envelope, or the first refusal.
    public enum Decision: Sendable, Equatable {
        case allowed(Sender)
        case denied(Denial)
    }

    /// The active approved senders by lower-cased address (`@domain` for wildcards), each list
    /// in the order the store gave: a check looks up two keys instead of scanning every sender.
    private let senders: [String: [Sender]]
    private let activeDkimDomains: Set<String>
    private let policies: PolicyEvaluator

    /// - Parameters:
    ///   - senders: the tenancy's approved senders.
    ///   - activeDkimDomains: lower-cased names of email domains that have an ACTIVE DKIM key.
    public init(senders: [Sender], activeDkimDomains: Set<String>, policies: PolicyEvaluator) {
        self.senders = Dictionary(grouping: senders.filter { $0.lifecycleState == .active }) { $0.emailAddress.lowercased() }
        self.activeDkimDomains = activeDkimDomains
        self.policies = policies
    }

    /// Checks the envelope sender first, then every header From address in order (several are
    /// discouraged for DMARC alignment, but each must be approved). `compartment` restricts the
    /// match to senders of one compartment (the HTTPS API names it).
    public func authorize(groups: [Group], envelopeSender: EmailAddress, headerFrom: [EmailAddress] = [],
                          compartment: OCID? = nil) -> Decision {
        var envelopeMatch: Sender?
        for (index, address) in ([envelopeSender] + headerFrom).enumerated() {
            switch check(address, groups: groups, compartment: compartment) {
            case .allowed(let sender):
                if index == 0 { envelopeMatch = sender }
            case .denied(let denial):
                return .denied(denial)
            }
        }
        return .allowed(envelopeMatch!)
    }

    /// Checks one address.
    public func check(_ address: EmailAddress, groups: [Group], compartment: OCID? = nil) -> Decision {
        let text = address.description
        // Exact matches first: the exact address is preferred over the wildcard when both are permitted.
        let exact = senders[address.normalized] ?? [], wildcard = senders["@" + address.domain] ?? []
        let candidates = (exact + wildcard).filter { compartment == nil || $0.compartmentId == compartment }
        guard !candidates.isEmpty else { return .denied(.notApproved(text)) }
        let usable = candidates.filter { !$0.emailAddress.hasPrefix("@") || activeDkimDomains.contains(address.domain) }
        guard !usable.isEmpty else { return .denied(.wildcardWithoutActiveDkim(text)) }
        guard let sender = usable.first(where: { policies.mayUseEmail(groups: groups, in: $0.compartmentId) }) else {
            return .denied(.notPermitted(text))
        }
        return .allowed(sender)
    }
}
