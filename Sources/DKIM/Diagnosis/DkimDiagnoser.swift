import EnvoiCore

/// Decides, from what DNS holds, whether a DKIM key is published and otherwise which mistake
/// was made (BEHAVIOUR §5). Pure: the DNS checker looks up `primaryName` and, when nothing is
/// there, `misplacedNames`, then asks `diagnose`.
public struct DkimDiagnoser: Sendable {
    /// The key's names.
    public let names: DkimRecordNames
    /// The key Envoi holds.
    public let publicKey: DKIMPublicKey

    public init(names: DkimRecordNames, publicKey: DKIMPublicKey) {
        self.names = names
        self.publicKey = publicKey
    }

    /// Where the record belongs: `<selector>._domainkey.<domain>`.
    public var primaryName: String { names.dnsSubdomainName }

    /// A usual wrong place for the record and the mistake that puts it there.
    public struct MisplacedName: Hashable, Sendable {
        /// The name to look up.
        public let name: String
        let mistake: DkimDNSMistake
        /// A parent zone's `_domainkey` name may hold that zone's own key: it counts only when
        /// it leads to this key (or to this key's CNAME target).
        let mustLeadToThisKey: Bool
    }

    /// The names a record lands at by mistake, for every zone the domain may be in (the domain
    /// itself or a parent with at least two labels): `<name>.<zone>` (a zone-relative name
    /// entered as absolute) and, for a subdomain, `<selector>._domainkey.<zone>`.
    public var misplacedNames: [MisplacedName] {
        let labels = names.domain.split(separator: ".").map(String.init)
        let zones = (0..<max(0, labels.count - 1)).map { labels[$0...].joined(separator: ".") }
        var result: [MisplacedName] = []
        for zone in zones {
            let relative = String(primaryName.dropLast(zone.count + 1))
            result.append(MisplacedName(name: "\(primaryName).\(zone)", mistake: .zoneRelativeNameAsAbsolute(
                foundAt: "\(primaryName).\(zone)", name: primaryName, zone: zone, relativeName: relative), mustLeadToThisKey: false))
        }
        for zone in zones.dropFirst() {
            result.append(MisplacedName(name: "\(names.selector)._domainkey.\(zone)", mistake: .publishedAtParentZone(
                foundAt: "\(names.selector)._domainkey.\(zone)", name: primaryName, domain: names.domain, zone: zone,
                relativeName: String(primaryName.dropLast(zone.count + 1))), mustLeadToThisKey: true))
        }
        return result
    }

    /// True when `primary` shows nothing at the name, so that the misplaced names are worth a look.
    public func needsMisplacedLookups(_ primary: DkimNameLookup) -> Bool {
        if case .answered(let records) = primary, case .nothing = evaluate(primaryName, records, depth: 0) { return true }
        return false
    }

    /// The diagnosis from the lookup of `primaryName` and, when that found nothing, of the
    /// misplaced names (keyed by name; a missing or failed one counts as empty).
    public func diagnose(primary: DkimNameLookup, misplaced: [String: DkimNameLookup] = [:]) -> DkimDiagnosis {
        guard case .answered(let records) = primary else {
            if case .failed(let reason) = primary { return .lookupFailed(name: primaryName, reason: reason) }
            return .lookupFailed(name: primaryName, reason: "no answer")
        }
        switch evaluate(primaryName, records, depth: 0) {
        case .verified(let method): return .verified(method)
        case .mistake(let mistake): return .needsAttention(mistake)
        case .nothing:
            for candidate in misplacedNames {
                guard case .answered(let found)? = misplaced[candidate.name] else { continue }
                switch evaluate(candidate.name, found, depth: 0) {
                case .nothing: continue
                case .verified, .mistake(.cnameTargetHasNoRecord): return .needsAttention(candidate.mistake)
                case .mistake where !candidate.mustLeadToThisKey: return .needsAttention(candidate.mistake)
                case .mistake: continue
                }
            }
            return .needsAttention(.nothingPublished(name: primaryName, expectedTarget: names.cnameRecordValue))
        }
    }

    /// What one name holds, following its CNAME chain.
    enum Finding {
        case nothing
        case verified(DkimPublicationMethod)
        case mistake(DkimDNSMistake)
    }

    func evaluate(_ name: String, _ records: [DkimDNSRecord], depth: Int) -> Finding {
        let aliases = DkimDNSEvidence.aliases(of: name, in: records)
        let texts = DkimDNSEvidence.texts(of: name, in: records)
        if aliases.isEmpty && texts.isEmpty { return .nothing }
        if !aliases.isEmpty && !texts.isEmpty {
            return .mistake(.severalRecords(name: name, count: aliases.count + texts.count,
                                            kinds: "\(aliases.count) CNAME and \(texts.count) TXT"))
        }
        if aliases.count > 1 { return .mistake(.severalRecords(name: name, count: aliases.count, kinds: "\(aliases.count) CNAME")) }
        if let target = aliases.first { return follow(name, to: target, records, depth: depth) }
        if texts.count > 1 {
            if isSplitValue(texts) { return .mistake(.splitIntoSeveralRecords(name: name, count: texts.count)) }
            return .mistake(.severalRecords(name: name, count: texts.count, kinds: "\(texts.count) TXT"))
        }
        return evaluateText(name, texts[0])
    }

    /// Follows the CNAME at `name` (RFC 1034 §3.6.2) and explains a wrong or dangling target.
    private func follow(_ name: String, to target: String, _ records: [DkimDNSRecord], depth: Int) -> Finding {
        guard depth < DkimDNSEvidence.maximumChainLength else { return .mistake(.cnameLoop(name: primaryName)) }
        let expected = names.cnameRecordValue
        let isFirstHop = depth == 0
        if isFirstHop, target != expected, target.hasPrefix(expected + ".") {
            return .mistake(.cnameTargetWithoutFinalDot(name: name, found: target, expected: expected))
        }
        let next = evaluate(target, records, depth: depth + 1)
        switch next {
        case .verified(.cname(_, let targets, _)):
            return .verified(.cname(name: name, targets: [target] + targets, expectedTarget: expected))
        case .verified(.txt):
            return .verified(.cname(name: name, targets: [target], expectedTarget: expected))
        case .nothing where isFirstHop && target == expected:
            return .mistake(.cnameTargetHasNoRecord(name: name, target: target))
        case .mistake(.cnameLoop), .mistake(.cnameTargetHasNoRecord):
            return next
        case .mistake(let mistake) where isFirstHop && target == expected:
            return .mistake(.publishZoneRecordWrong(name: name, target: target, problem: mistake.explanation))
        case .nothing, .mistake:
            if isFirstHop, target != expected { return .mistake(.wrongCNAMETarget(name: name, found: target, expected: expected)) }
            if case .nothing = next { return .mistake(.cnameTargetHasNoRecord(name: name, target: target)) }
            return next
        }
    }

    /// Reads one TXT record (its strings joined, RFC 6376 §3.6.2.2) and compares its key.
    func evaluateText(_ name: String, _ strings: [String]) -> Finding {
        let value = strings.joined()
        if value.contains("\"") { return .mistake(.quotesInValue(name: name)) }
        switch DKIMKeyRecord.parse(value) {
        case .valid(let record) where record.publicKey == publicKey:
            return .verified(.txt(name: name))
        case .valid(let record):
            return .mistake(.differentKey(name: name, found: record.publicKey.keyType,
                                          foundBits: record.publicKey.keySizeInBits, expected: publicKey.keyType))
        case .revoked:
            return .mistake(.revokedKey(name: name))
        case .invalid(let problem):
            switch problem {
            case .publicKeyTruncated: return .mistake(.truncatedKey(name: name, problem: problem))
            case .missingSemicolon: return .mistake(.missingSemicolon(name: name, problem: problem))
            default: return .mistake(.unusableRecord(name: name, problem: problem))
            }
        }
    }

    /// True when several TXT records, joined in some order, make one valid key record: one
    /// value split into records instead of into strings of one record.
    private func isSplitValue(_ texts: [[String]]) -> Bool {
        guard texts.count <= 4 else { return false }
        return Self.permutations(texts.map { $0.joined() }).contains { order in
            if case .valid = DKIMKeyRecord.parse(order.joined()) { return true }
            return false
        }
    }

    private static func permutations(_ items: [String]) -> [[String]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { index -> [[String]] in
            var rest = items
            let first = rest.remove(at: index)
            return permutations(rest).map { [first] + $0 }
        }
    }
}
