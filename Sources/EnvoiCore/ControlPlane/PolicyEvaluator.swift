/// Answers "may a member of these groups <verb> email in this compartment?" from the tenancy's
/// compartment tree and policies. Pure: built from values read in one store transaction.
public struct PolicyEvaluator: Sendable {
    private let compartments: [OCID: Compartment]
    private let children: [OCID: [Compartment]]
    private let rootID: OCID?
    /// Per statement: the compartment it grants in (resolved once), to whom, and which verb.
    private let grants: [(subject: PolicyStatement.Subject, compartment: OCID, verb: PolicyStatement.Verb)]

    /// `policies` whose statements do not parse, or name compartments that do not exist, grant nothing.
    public init(compartments: [Compartment], policies: [Policy]) {
        var byID: [OCID: Compartment] = [:]
        var children: [OCID: [Compartment]] = [:]
        for compartment in compartments where compartment.lifecycleState == .active {
            byID[compartment.id] = compartment
            if let parent = compartment.compartmentId { children[parent, default: []].append(compartment) }
        }
        self.compartments = byID
        self.children = children
        self.rootID = compartments.first(where: \.isRoot)?.id
        var grants: [(PolicyStatement.Subject, OCID, PolicyStatement.Verb)] = []
        for policy in policies where policy.lifecycleState == .active {
            for text in policy.statements {
                guard let statement = try? PolicyStatement(parsing: text) else { continue }
                let target: OCID?
                switch statement.location {
                case .tenancy:
                    target = rootID
                case .compartmentID(let id):
                    target = byID[id] != nil ? id : nil
                case .compartmentPath(let path):
                    target = Self.resolve(path, from: policy.compartmentId, children: children)
                }
                // A policy governs only its own compartment's subtree.
                if let target, Self.isAncestor(policy.compartmentId, of: target, in: byID) {
                    grants.append((statement.subject, target, statement.verb))
                }
            }
        }
        self.grants = grants
    }

    /// True when a user in `groups` (ids and names) may use email in `compartment`.
    public func mayUseEmail(groups: [Group], in compartment: OCID) -> Bool {
        permits(groups: groups, .use, in: compartment)
    }

    /// True when a statement grants one of `groups` (ids and names) `verb` or a stronger verb on
    /// email in `compartment` or an ancestor: `inspect` lists, `read` gets, `use` sends,
    /// `manage` creates, updates and deletes (the cloud service's verb ladder).
    public func permits(groups: [Group], _ verb: PolicyStatement.Verb, in compartment: OCID) -> Bool {
        let names = Set(groups.map { $0.name.lowercased() })
        let ids = Set(groups.map(\.id))
        return grants.contains { grant in
            let subjectMatches: Bool
            switch grant.subject {
            case .anyUser: subjectMatches = true
            case .groupID(let id): subjectMatches = ids.contains(id)
            case .groupName(let name): subjectMatches = names.contains(name.lowercased())
            }
            return subjectMatches && grant.verb >= verb && Self.isAncestor(grant.compartment, of: compartment, in: compartments)
        }
    }

    /// True when `ancestor` is `compartment` or one of its ancestors.
    static func isAncestor(_ ancestor: OCID, of compartment: OCID, in tree: [OCID: Compartment]) -> Bool {
        var current: OCID? = compartment
        var steps = 0
        while let id = current, steps <= tree.count {
            if id == ancestor { return true }
            current = tree[id]?.compartmentId
            steps += 1
        }
        return false
    }

    static func resolve(_ path: [String], from start: OCID, children: [OCID: [Compartment]]) -> OCID? {
        var current = start
        for name in path {
            guard let next = children[current]?.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
            current = next.id
        }
        return current
    }
}
