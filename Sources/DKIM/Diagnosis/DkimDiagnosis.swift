/// The outcome of checking a DKIM key's DNS records (BEHAVIOUR §5): the key is published, a
/// named mistake needs fixing, or DNS could not be asked.
public enum DkimDiagnosis: Hashable, Sendable {
    /// The record at the selector's name resolves to the key: the key can become ACTIVE.
    case verified(DkimPublicationMethod)
    /// DNS answered, and what it holds is wrong or missing: NEEDS_ATTENTION with this reason.
    case needsAttention(DkimDNSMistake)
    /// DNS gave no usable answer: the key keeps its state and the failure is reported.
    case lookupFailed(name: String, reason: String)

    /// A sentence for `lifecycleDetails`, the console and the CLI.
    public var explanation: String {
        switch self {
        case .verified(let method): method.explanation
        case .needsAttention(let mistake): mistake.explanation
        case .lookupFailed(let name, let reason): "The DNS lookup of \(name) failed: \(reason)."
        }
    }
}

/// How a verified key is published.
public enum DkimPublicationMethod: Hashable, Sendable {
    /// `name` is a CNAME chain through `targets` whose last name holds the key's TXT record.
    case cname(name: String, targets: [String], expectedTarget: String)
    /// `name` holds the key's TXT record itself.
    case txt(name: String)

    var explanation: String {
        switch self {
        case .cname(let name, let targets, let expected) where targets.contains(expected):
            "DNS verified: \(name) is a CNAME to \(targets.joined(separator: " -> ")), which holds this key."
        case .cname(let name, let targets, let expected):
            "DNS verified: \(name) is a CNAME to \(targets.joined(separator: " -> ")), which holds this key; "
                + "point it to \(expected) instead so that key rotations need no DNS change."
        case .txt(let name):
            "DNS verified: the TXT record at \(name) holds this key (a CNAME to Envoi's record would make rotations automatic)."
        }
    }
}

/// A DNS mistake the checker recognises, with where it was found and how to fix it.
public enum DkimDNSMistake: Hashable, Sendable {
    /// Neither a CNAME nor a TXT record at `name`, nor at any of the usual wrong places.
    case nothingPublished(name: String, expectedTarget: String)
    /// The record is at `foundAt` = `<name>.<zone>`: a zone-relative name was entered as if it
    /// were absolute, so the zone's name was appended. `relativeName` is what to write instead.
    case zoneRelativeNameAsAbsolute(foundAt: String, name: String, zone: String, relativeName: String)
    /// The record is at `<selector>._domainkey.<zone>` though the email domain is a subdomain
    /// of that zone: it belongs at `name`.
    case publishedAtParentZone(foundAt: String, name: String, domain: String, zone: String, relativeName: String)
    /// The CNAME at `name` points to `found` instead of `expected`.
    case wrongCNAMETarget(name: String, found: String, expected: String)
    /// The CNAME target was written without its final dot, so the zone was appended to it.
    case cnameTargetWithoutFinalDot(name: String, found: String, expected: String)
    /// The CNAME is right but its target holds no TXT record: the publish zone lacks the key.
    case cnameTargetHasNoRecord(name: String, target: String)
    /// The CNAME points to Envoi's name, but the record the publish zone serves there is wrong
    /// (`problem` says how): the publish zone is out of date.
    case publishZoneRecordWrong(name: String, target: String, problem: String)
    /// The TXT record at `name` holds a valid key, but not this one.
    case differentKey(name: String, found: DKIMKeyType, foundBits: Int, expected: DKIMKeyType)
    /// The TXT record at `name` is cut short (`problem` is `publicKeyTruncated`).
    case truncatedKey(name: String, problem: DKIMKeyRecordProblem)
    /// A `;` between two tags of the TXT record at `name` went missing.
    case missingSemicolon(name: String, problem: DKIMKeyRecordProblem)
    /// The value at `name` was split into `count` TXT records instead of one record with
    /// several strings.
    case splitIntoSeveralRecords(name: String, count: Int)
    /// The TXT record at `name` contains `"` characters: strings were typed with their quotes.
    case quotesInValue(name: String)
    /// The TXT record at `name` cannot be used as a key record, for `problem`.
    case unusableRecord(name: String, problem: DKIMKeyRecordProblem)
    /// The TXT record at `name` has an empty `p=`: the key is revoked (RFC 6376 §3.6.1).
    case revokedKey(name: String)
    /// `count` records (`kinds`) at `name` where exactly one belongs.
    case severalRecords(name: String, count: Int, kinds: String)
    /// The CNAME chain from `name` does not end within `DkimDNSEvidence.maximumChainLength` hops.
    case cnameLoop(name: String)

    /// What is wrong and what to do, in one paragraph.
    public var explanation: String {
        switch self {
        case .nothingPublished(let name, let target):
            "Nothing is published at \(name). Publish a CNAME there pointing to \(target) (or the TXT record shown by `envoi dkim show`)."
        case .zoneRelativeNameAsAbsolute(let foundAt, let name, let zone, let relative):
            "The record is at \(foundAt) instead of \(name): a zone-relative name was entered as if it were absolute, "
                + "so the zone name \(zone) was appended. In the \(zone) zone write the name as \(relative) "
                + "(or as \(name). with the final dot)."
        case .publishedAtParentZone(let foundAt, let name, let domain, let zone, let relative):
            "The record is at \(foundAt), the _domainkey name of the zone \(zone), but the email domain is \(domain), "
                + "a subdomain: it belongs at \(name) (in the \(zone) zone: \(relative))."
        case .wrongCNAMETarget(let name, let found, let expected):
            "The CNAME at \(name) points to \(found); it must point to \(expected)."
        case .cnameTargetWithoutFinalDot(let name, let found, let expected):
            "The CNAME at \(name) points to \(found): its target was entered without the final dot, so the zone name "
                + "was appended. Write the target as \(expected). (with the final dot)."
        case .cnameTargetHasNoRecord(let name, let target):
            "The CNAME at \(name) points to \(target) as it should, but \(target) has no TXT record: "
                + "load the records of `envoi dkim zone` into the DNS server of Envoi's publish zone."
        case .publishZoneRecordWrong(let name, let target, let problem):
            "The CNAME at \(name) points to \(target) as it should, but Envoi's record there is wrong: \(problem) "
                + "Reload the publish zone from `envoi dkim zone`."
        case .differentKey(let name, let found, let bits, let expected):
            (found == expected
                ? "The TXT record at \(name) holds a different \(found.rawValue) key than this DKIM key. "
                : "The TXT record at \(name) holds an \(found.rawValue) key (\(bits) bits) but this DKIM key is \(expected.rawValue). ")
                + "Replace its value with this key's record (`envoi dkim show`)."
        case .truncatedKey(let name, let problem):
            "The TXT record at \(name) is truncated: \(problem) Publish the whole value; a value over 255 characters "
                + "is one TXT record made of several quoted strings."
        case .missingSemicolon(let name, let problem):
            "The TXT record at \(name) lost a ';': \(problem) Publish the value exactly as `envoi dkim show` prints it."
        case .splitIntoSeveralRecords(let name, let count):
            "The value at \(name) was split into \(count) separate TXT records; it must be one TXT record holding "
                + "several strings of at most 255 characters (RFC 6376 §3.6.2.2). Delete them and publish one record."
        case .quotesInValue(let name):
            "The TXT record at \(name) contains quote characters: the strings were entered with their quotes, which became "
                + "part of the value. Enter the value without quotes (the DNS editor splits it) or as separate strings."
        case .unusableRecord(let name, let problem):
            "The TXT record at \(name) is not a usable DKIM key record: \(problem) Publish this key's record (`envoi dkim show`)."
        case .revokedKey(let name):
            "The TXT record at \(name) has an empty p=, which revokes the key (RFC 6376 §3.6.1). Publish this key's record."
        case .severalRecords(let name, let count, let kinds):
            "There are \(count) records at \(name) (\(kinds)); a DKIM selector needs exactly one "
                + "(RFC 6376 §3.6.2.2). Keep only the CNAME to Envoi's record (or the one TXT record)."
        case .cnameLoop(let name):
            "The CNAME chain from \(name) does not end (a loop or more than \(DkimDNSEvidence.maximumChainLength) aliases)."
        }
    }
}

/// What DNS answered about a DKIM key's names, reduced to what the diagnosis needs. The DNS
/// checker gathers it; the diagnosis reads it without any I/O, so it is table-tested.

/// One record of an answer that matters for DKIM: an alias or a TXT record.
public enum DkimDNSRecord: Hashable, Sendable {
    /// `owner` is a CNAME for `target` (RFC 1034 §3.6.2).
    case cname(owner: String, target: String)
    /// A TXT record at `owner` with its character-strings (RFC 1035 §3.3.14).
    case txt(owner: String, strings: [String])

    /// The owner name, lower-cased, without a final dot.
    public var owner: String {
        switch self {
        case .cname(let owner, _), .txt(let owner, _): DkimDNSEvidence.normalized(owner)
        }
    }
}

/// The outcome of looking up one name (TXT, following CNAMEs).
public enum DkimNameLookup: Hashable, Sendable {
    /// The lookup produced no usable answer (timeout, SERVFAIL, connection refused): nothing
    /// can be concluded about the name.
    case failed(String)
    /// The records found from the name on: its CNAME chain and the TXT records at its end.
    /// Empty when the name does not exist (NXDOMAIN) or holds neither.
    case answered([DkimDNSRecord])
}

/// Helpers shared by the evidence and the diagnosis.
public enum DkimDNSEvidence {
    /// CNAME chains longer than this are treated as loops (resolvers use similar bounds).
    public static let maximumChainLength = 8

    /// `name` lower-cased, without its final dot (RFC 4343: names compare case-insensitively).
    public static func normalized(_ name: String) -> String {
        var text = name.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// The CNAME targets owned by `name` in `records`.
    static func aliases(of name: String, in records: [DkimDNSRecord]) -> [String] {
        records.compactMap { record in
            guard record.owner == name, case .cname(_, let target) = record else { return nil }
            return normalized(target)
        }
    }

    /// The TXT records owned by `name` in `records`.
    static func texts(of name: String, in records: [DkimDNSRecord]) -> [[String]] {
        records.compactMap { record in
            guard record.owner == name, case .txt(_, let strings) = record else { return nil }
            return strings
        }
    }
}
