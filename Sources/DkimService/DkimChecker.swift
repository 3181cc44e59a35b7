import DKIM
import DNSResolver
import EnvoiCore
import EnvoiStore
import Foundation

/// The DKIM DNS checker (BEHAVIOUR §5): resolves each key's `dnsSubdomainName`, follows the
/// CNAME, compares the key found with the key Envoi holds, and sets ACTIVE or NEEDS_ATTENTION
/// with the reason. A lookup that fails (timeout, SERVFAIL, refused) keeps the key's state and
/// says so in `lifecycleDetails`, so that a DNS outage never flaps keys to NEEDS_ATTENTION.
public struct DkimChecker: Sendable {
    let store: any DkimCheckStore
    let probe: DkimDNSProbe

    /// The states a check may change; INACTIVE (rotated out) and the deleting states are left alone.
    public static let checkedStates: Set<DkimLifecycleState> = [.creating, .needsAttention, .active]

    public init(store: any DkimCheckStore, resolver: DNSResolver) {
        self.store = store
        self.probe = DkimDNSProbe(resolver: resolver)
    }

    /// What one check found and did.
    public struct Result: Sendable {
        /// The key as stored after the check.
        public let key: DkimKey
        /// Its state before the check.
        public let previousState: DkimLifecycleState
        /// What DNS showed.
        public let diagnosis: DkimDiagnosis
        /// The names looked up, in order.
        public let namesLookedUp: [String]
    }

    /// Checks one key now and records the outcome.
    public func check(_ id: OCID) async throws -> Result {
        let found = try await store.dkimKeyOfDomain(id)
        let key = found.key
        guard Self.checkedStates.contains(key.lifecycleState) else {
            throw ControlPlaneError(code: .incorrectState,
                                    message: "dkim: key \(key.name) is \(key.lifecycleState.rawValue); only CREATING, NEEDS_ATTENTION and ACTIVE keys are checked")
        }
        guard case .valid(let record) = DKIMKeyRecord.parse(key.txtRecordValue) else {
            throw ControlPlaneError(code: .incorrectState, message: "dkim: the stored record of key \(key.name) is unreadable")
        }
        let diagnoser = DkimDiagnoser(names: Self.names(of: key, domain: found.domainName), publicKey: record.publicKey)
        var looked = [diagnoser.primaryName]
        let primary = await probe.lookup(diagnoser.primaryName)
        var misplaced: [String: DkimNameLookup] = [:]
        if diagnoser.needsMisplacedLookups(primary) {
            for candidate in diagnoser.misplacedNames {
                misplaced[candidate.name] = await probe.lookup(candidate.name)
                looked.append(candidate.name)
            }
        }
        let diagnosis = diagnoser.diagnose(primary: primary, misplaced: misplaced)
        let updated: DkimKey
        switch diagnosis {
        case .verified: updated = try await store.setDkimState(id, .active, details: diagnosis.explanation)
        case .needsAttention: updated = try await store.setDkimState(id, .needsAttention, details: diagnosis.explanation)
        case .lookupFailed: updated = try await store.setDkimDetails(id, details: Self.failureDetails(diagnosis, key: key))
        }
        return Result(key: updated, previousState: key.lifecycleState, diagnosis: diagnosis, namesLookedUp: looked)
    }

    /// Checks every key in `checkedStates`, one after the other; a key that cannot be checked
    /// (deleted meanwhile, store failure) is reported and does not stop the others.
    public func checkAll() async -> Round {
        let keys: [DkimKeyOfDomain]
        do {
            keys = try await store.allDkimKeys()
        } catch {
            return []
        }
        var outcomes: Round = []
        for entry in keys where Self.checkedStates.contains(entry.key.lifecycleState) {
            do {
                outcomes.append((entry.key.id, .success(try await check(entry.key.id))))
            } catch {
                outcomes.append((entry.key.id, .failure(error)))
            }
        }
        return outcomes
    }

    /// What one round of `checkAll` found, key by key.
    public typealias Round = [(id: OCID, outcome: Swift.Result<Result, any Error>)]

    /// Runs a round of checks, or not: on a database several nodes share, one node at a time
    /// checks (`PostgresStore.runExclusively`), and the others skip the round (nil).
    public typealias RoundGuard = @Sendable (_ round: @Sendable () async -> Round) async -> Round?

    /// Runs `checkAll` every `interval` on `clock` until the task is cancelled: the server's
    /// periodic check (`dkim.check_interval`). Each round runs through `exclusively`; `report`
    /// gets the rounds this node ran.
    public func runPeriodically<C: Clock>(every interval: C.Duration, clock: C, report: @Sendable (Round) -> Void = { _ in },
                                          exclusively: RoundGuard = { await $0() }) async {
        while !Task.isCancelled {
            if let round = await exclusively({ await checkAll() }) { report(round) }
            do { try await clock.sleep(for: interval) } catch { return }
        }
    }

    /// The names of `key`: the publish zone is the part of its stored CNAME target after
    /// `<selector>.<domain>.`, so that changing `dkim.publish_zone` does not misjudge old keys.
    static func names(of key: DkimKey, domain: String) -> DkimRecordNames {
        let prefix = "\(key.name).\(domain).".lowercased()
        let target = key.cnameRecordValue.lowercased()
        let zone = target.hasPrefix(prefix) ? String(target.dropFirst(prefix.count)) : target
        return DkimRecordNames(selector: key.name, domain: domain, publishZone: zone)
    }

    /// `lifecycleDetails` after a failed lookup: the failure, the state kept, and the last real
    /// finding (without stacking earlier failure notes).
    static func failureDetails(_ diagnosis: DkimDiagnosis, key: DkimKey) -> String {
        let marker = " Last finding: "
        var previous = key.lifecycleDetails ?? ""
        if previous.hasPrefix("The DNS lookup of ") {
            previous = previous.range(of: marker).map { String(previous[$0.upperBound...]) } ?? ""
        }
        let kept = "\(diagnosis.explanation) The key stays \(key.lifecycleState.rawValue) until DNS answers."
        return previous.isEmpty ? kept : kept + marker + previous
    }
}

/// Gathers what DNS holds at a DKIM name: a TXT query, which a recursive resolver answers with
/// the CNAME chain and the TXT records at its end (RFC 1034 §4.3.2); when the server did not
/// chase the chain (an authoritative server for one zone only), the end of the chain is asked
/// again, up to `DkimDNSEvidence.maximumChainLength` times.
struct DkimDNSProbe: Sendable {
    let resolver: DNSResolver

    /// The records from `name` on, or the failure that stopped the lookup.
    func lookup(_ name: String) async -> DkimNameLookup {
        var records: [DkimDNSRecord] = []
        var current = DkimDNSEvidence.normalized(name)
        for _ in 0..<DkimDNSEvidence.maximumChainLength {
            let response: DNSResponse
            do {
                response = try await resolver.query(current, .txt)
            } catch {
                return .failed(error.description)
            }
            for record in response.answers {
                guard let converted = Self.convert(record), !records.contains(converted) else { continue }
                records.append(converted)
            }
            let end = Self.endOfChain(from: current, in: records)
            let endHasText = records.contains { if case .txt = $0 { $0.owner == end } else { false } }
            if end == current || endHasText || response.code == .nameError { break }
            current = end
        }
        return .answered(records)
    }

    /// The last name of the CNAME chain that starts at `name`, stopping at a loop.
    static func endOfChain(from name: String, in records: [DkimDNSRecord]) -> String {
        var end = name
        var seen: Set<String> = [name]
        while let target = records.lazy.compactMap({ record -> String? in
            if case .cname(_, let target) = record, record.owner == end { return DkimDNSEvidence.normalized(target) }
            return nil
        }).first, seen.insert(target).inserted {
            end = target
        }
        return end
    }

    static func convert(_ record: DNSRecord) -> DkimDNSRecord? {
        switch record.data {
        case .cname(let target): .cname(owner: record.name, target: target)
        case .txt(let strings): .txt(owner: record.name, strings: strings)
        default: nil
        }
    }
}
