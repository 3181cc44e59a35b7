import EnvoiCore
import Testing
@testable import DKIM

/// The diagnosis table: each DNS mistake of BEHAVIOUR §5, set up as the evidence a lookup would
/// return, yields its own explanation; the right records yield `verified`.
@Suite("DKIM DNS diagnosis (BEHAVIOUR §5)")
struct DkimDiagnoserTests {
    static let rsa = (try? Fixture.text("rsa2048-public.b64").trimmingCharacters(in: .whitespacesAndNewlines)) ?? ""
    static let ed25519 = (try? Fixture.text("ed25519-public.b64").trimmingCharacters(in: .whitespacesAndNewlines)) ?? ""
    static let record = "v=DKIM1; k=rsa; p=\(rsa)"
    static let strings = TXTRecordText.characterStrings(record)
    static let names = DkimRecordNames(selector: "s1", domain: "example.com", publishZone: "dkim.envoi.test")
    static let name = "s1._domainkey.example.com"
    static let target = "s1.example.com.dkim.envoi.test"

    static func diagnoser(_ names: DkimRecordNames = names) throws -> DkimDiagnoser {
        guard case .valid(let parsed) = DKIMKeyRecord.parse(record) else { throw DiagnoserTestError.badFixture }
        return DkimDiagnoser(names: names, publicKey: parsed.publicKey)
    }

    static func problem(_ text: String) -> DKIMKeyRecordProblem? {
        if case .invalid(let problem) = DKIMKeyRecord.parse(text) { return problem }
        return nil
    }

    struct Row: CustomTestStringConvertible, Sendable {
        let label: String
        let primary: DkimNameLookup
        var misplaced: [String: DkimNameLookup] = [:]
        let expected: DkimDiagnosis
        var testDescription: String { label }
    }

    static let rows: [Row] = {
        let cnameOK: [DkimDNSRecord] = [.cname(owner: name, target: target), .txt(owner: target, strings: strings)]
        let ed = "v=DKIM1; k=ed25519; p=\(ed25519)"
        let truncated = String(strings[0])
        let noSemicolon = "v=DKIM1; k=rsa p=\(rsa)"
        return [
            Row(label: "CNAME to Envoi's record", primary: .answered(cnameOK),
                expected: .verified(.cname(name: name, targets: [target], expectedTarget: target))),
            Row(label: "TXT at the name, split into strings", primary: .answered([.txt(owner: name, strings: strings)]),
                expected: .verified(.txt(name: name))),
            Row(label: "TXT in one long string (names compared case-insensitively)",
                primary: .answered([.txt(owner: "S1._DomainKey.Example.COM.", strings: [record])]), expected: .verified(.txt(name: name))),
            Row(label: "nothing anywhere", primary: .answered([]),
                misplaced: [name + ".example.com": .answered([])],
                expected: .needsAttention(.nothingPublished(name: name, expectedTarget: target))),
            Row(label: "zone-relative name entered as absolute", primary: .answered([]),
                misplaced: [name + ".example.com": .answered([.cname(owner: name + ".example.com", target: target),
                                                               .txt(owner: target, strings: strings)])],
                expected: .needsAttention(.zoneRelativeNameAsAbsolute(foundAt: name + ".example.com", name: name,
                                                                       zone: "example.com", relativeName: "s1._domainkey"))),
            Row(label: "CNAME to another target", primary: .answered([.cname(owner: name, target: "s1.example.com.other.test")]),
                expected: .needsAttention(.wrongCNAMETarget(name: name, found: "s1.example.com.other.test", expected: target))),
            Row(label: "CNAME target without its final dot",
                primary: .answered([.cname(owner: name, target: target + ".example.com")]),
                expected: .needsAttention(.cnameTargetWithoutFinalDot(name: name, found: target + ".example.com", expected: target))),
            Row(label: "CNAME right, publish zone lacks the TXT", primary: .answered([.cname(owner: name, target: target)]),
                expected: .needsAttention(.cnameTargetHasNoRecord(name: name, target: target))),
            Row(label: "CNAME right, publish zone serves another key",
                primary: .answered([.cname(owner: name, target: target), .txt(owner: target, strings: [ed])]),
                expected: .needsAttention(.publishZoneRecordWrong(name: name, target: target, problem:
                    DkimDNSMistake.differentKey(name: target, found: .ed25519, foundBits: 256, expected: .rsa).explanation))),
            Row(label: "TXT with another key type", primary: .answered([.txt(owner: name, strings: [ed])]),
                expected: .needsAttention(.differentKey(name: name, found: .ed25519, foundBits: 256, expected: .rsa))),
            Row(label: "TXT truncated to its first string", primary: .answered([.txt(owner: name, strings: [truncated])]),
                expected: .needsAttention(.truncatedKey(name: name, problem: problem(truncated)!))),
            Row(label: "TXT that lost a ';'", primary: .answered([.txt(owner: name, strings: [noSemicolon])]),
                expected: .needsAttention(.missingSemicolon(name: name, problem: .missingSemicolon(after: "k", before: "p")))),
            Row(label: "value split into two TXT records",
                primary: .answered([.txt(owner: name, strings: [strings[1]]), .txt(owner: name, strings: [strings[0]])]),
                expected: .needsAttention(.splitIntoSeveralRecords(name: name, count: 2))),
            Row(label: "strings typed with their quotes",
                primary: .answered([.txt(owner: name, strings: ["\"\(strings[0])\" \"\(strings[1])\""])]),
                expected: .needsAttention(.quotesInValue(name: name))),
            Row(label: "two TXT records", primary: .answered([.txt(owner: name, strings: strings), .txt(owner: name, strings: ["v=spf1 -all"])]),
                expected: .needsAttention(.severalRecords(name: name, count: 2, kinds: "2 TXT"))),
            Row(label: "a CNAME and a TXT", primary: .answered([.cname(owner: name, target: target), .txt(owner: name, strings: strings),
                                                              .txt(owner: target, strings: strings)]),
                expected: .needsAttention(.severalRecords(name: name, count: 2, kinds: "1 CNAME and 1 TXT"))),
            Row(label: "two CNAMEs", primary: .answered([.cname(owner: name, target: target), .cname(owner: name, target: "x.test")]),
                expected: .needsAttention(.severalRecords(name: name, count: 2, kinds: "2 CNAME"))),
            Row(label: "revoked key", primary: .answered([.txt(owner: name, strings: ["v=DKIM1; k=rsa; p="])]),
                expected: .needsAttention(.revokedKey(name: name))),
            Row(label: "not a DKIM record", primary: .answered([.txt(owner: name, strings: ["google-site-verification=abc"])]),
                expected: .needsAttention(.unusableRecord(name: name, problem: problem("google-site-verification=abc")!))),
            Row(label: "CNAME loop", primary: .answered([.cname(owner: name, target: "a.test"), .cname(owner: "a.test", target: name)]),
                expected: .needsAttention(.cnameLoop(name: name))),
            Row(label: "other target that holds this key", primary: .answered([.cname(owner: name, target: "k.other.test"),
                                                                                .txt(owner: "k.other.test", strings: strings)]),
                expected: .verified(.cname(name: name, targets: ["k.other.test"], expectedTarget: target))),
            Row(label: "two-hop chain through the expected target",
                primary: .answered([.cname(owner: name, target: target), .cname(owner: target, target: "final.test"),
                                    .txt(owner: "final.test", strings: strings)]),
                expected: .verified(.cname(name: name, targets: [target, "final.test"], expectedTarget: target))),
            Row(label: "DNS timeout", primary: .failed("no answer within 10 s"),
                expected: .lookupFailed(name: name, reason: "no answer within 10 s")),
        ]
    }()

    @Test("each situation gets its own diagnosis", arguments: rows)
    func diagnosis(row: Row) throws {
        #expect(try Self.diagnoser().diagnose(primary: row.primary, misplaced: row.misplaced) == row.expected)
    }

    @Test("every mistake explains itself differently and names the place")
    func explanationsAreDistinct() {
        let distinct = Set(Self.rows.map(\.expected))
        #expect(Set(distinct.map(\.explanation)).count == distinct.count)
        for row in Self.rows { #expect(row.expected.explanation.contains(Self.name), "\(row.label)") }
    }

    @Test("misplaced names cover each zone of a subdomain")
    func misplacedNamesOfASubdomain() throws {
        let names = DkimRecordNames(selector: "s1", domain: "mail.example.com", publishZone: "dkim.envoi.test")
        #expect(try Self.diagnoser(names).misplacedNames.map(\.name) == [
            "s1._domainkey.mail.example.com.mail.example.com", "s1._domainkey.mail.example.com.example.com", "s1._domainkey.example.com",
        ])
        #expect(try Self.diagnoser().misplacedNames.map(\.name) == ["s1._domainkey.example.com.example.com"])
    }

    @Test("a subdomain's record at the parent zone's _domainkey counts only when it leads to this key")
    func parentZone() throws {
        let names = DkimRecordNames(selector: "s1", domain: "mail.example.com", publishZone: "dkim.envoi.test")
        let diagnoser = try Self.diagnoser(names)
        let parent = "s1._domainkey.example.com"
        let toThisKey: [DkimDNSRecord] = [.cname(owner: parent, target: names.cnameRecordValue),
                                          .txt(owner: names.cnameRecordValue, strings: Self.strings)]
        #expect(diagnoser.diagnose(primary: .answered([]), misplaced: [parent: .answered(toThisKey)]) == .needsAttention(
            .publishedAtParentZone(foundAt: parent, name: names.dnsSubdomainName, domain: "mail.example.com", zone: "example.com",
                                   relativeName: "s1._domainkey.mail")))
        let othersKey: [DkimDNSRecord] = [.txt(owner: parent, strings: ["v=DKIM1; k=ed25519; p=\(Self.ed25519)"])]
        #expect(diagnoser.diagnose(primary: .answered([]), misplaced: [parent: .answered(othersKey)]) == .needsAttention(
            .nothingPublished(name: names.dnsSubdomainName, expectedTarget: names.cnameRecordValue)))
    }

    @Test("misplaced names are looked at only when the name holds nothing")
    func misplacedLookupsOnlyWhenEmpty() throws {
        let diagnoser = try Self.diagnoser()
        #expect(diagnoser.needsMisplacedLookups(.answered([])))
        #expect(diagnoser.needsMisplacedLookups(.answered([.txt(owner: "other.test", strings: ["x"])])))
        #expect(!diagnoser.needsMisplacedLookups(.answered([.txt(owner: Self.name, strings: ["x"])])))
        #expect(!diagnoser.needsMisplacedLookups(.failed("timeout")))
    }

    @Test("a key of the same type but different octets is a different key")
    func sameTypeDifferentKey() throws {
        let mine = try DKIMPrivateKey.generate(.ed25519).publicKey
        let diagnoser = DkimDiagnoser(names: Self.names, publicKey: mine)
        let published = DkimNameLookup.answered([.txt(owner: Self.name, strings: ["v=DKIM1; k=ed25519; p=\(Self.ed25519)"])])
        #expect(diagnoser.diagnose(primary: published) == .needsAttention(.differentKey(name: Self.name, found: .ed25519, foundBits: 256, expected: .ed25519)))
        let right = DkimNameLookup.answered([.txt(owner: Self.name, strings: [mine.txtRecordValue])])
        #expect(diagnoser.diagnose(primary: right) == .verified(.txt(name: Self.name)))
    }
}

enum DiagnoserTestError: Error { case badFixture }
