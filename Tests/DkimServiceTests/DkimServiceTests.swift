import DKIM
import DNSResolver
import EnvoiCore
import EnvoiStore
import Foundation
import Testing
@testable import DkimService

/// A prepared data directory with one email domain, removed afterwards.
final class DkimFixture {
    let root: String
    let store: ControlPlaneStore
    let domain: EmailDomain
    let factory: DkimKeyFactory

    init(domain name: String = "example.com") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("envoi-dkim-\(UUID().uuidString)").path
        let directory = DataDirectory(path: root + "/data")
        _ = try directory.prepare()
        store = try ControlPlaneStore(directory: directory)
        _ = try store.initialise()
        domain = try store.createEmailDomain(name: name)
        factory = DkimKeyFactory(store: store, publishZone: DomainName("dkim.envoi.test")!,
                                 now: { Date(timeIntervalSince1970: 1_795_000_000) })
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }
}

func controlPlaneMessage(_ body: () throws -> Void) -> String? {
    do { try body() } catch let error as ControlPlaneError { return error.message } catch { return "\(error)" }
    return nil
}

@Suite("DKIM keys: creation, names, zone file, checker bookkeeping")
struct DkimServiceTests {
    @Test("a generated key starts NEEDS_ATTENTION with the CNAME to publish and a dated selector")
    func generatedKey() throws {
        let fixture = try DkimFixture()
        let key = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, algorithm: .ed25519))
        #expect(key.name == "envoi-20261118")
        #expect(key.lifecycleState == .needsAttention)
        #expect(key.dnsSubdomainName == "envoi-20261118._domainkey.example.com")
        #expect(key.cnameRecordValue == "envoi-20261118.example.com.dkim.envoi.test")
        #expect(key.lifecycleDetails?.contains("Publish the CNAME envoi-20261118._domainkey.example.com -> envoi-20261118.example.com.dkim.envoi.test") == true)
        #expect(key.txtRecordValue.hasPrefix("v=DKIM1; k=ed25519; p="))
        #expect(key.algorithm == "ed25519-sha256" && key.keyLength == 256 && !key.isImported)
        let pem = try fixture.store.dkimPrivateKey(key.id)
        #expect(try DKIMPrivateKey(pemRepresentation: pem).publicKey.txtRecordValue == key.txtRecordValue)
    }

    @Test("an imported PEM key keeps its public key and is marked imported")
    func importedKey() throws {
        let fixture = try DkimFixture()
        let original = try DKIMPrivateKey.generate(.ed25519)
        let key = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "imported-1",
                                                   privateKeyPEM: original.pemRepresentation))
        #expect(key.isImported && key.txtRecordValue == original.publicKey.txtRecordValue)
    }

    @Test("bad input is refused with the field named", arguments: [
        ("Upper", nil, "selector: 'Upper' may hold only lower-case letters a-z, digits and '-'"),
        ("-lead", nil, "selector: '-lead' must not start or end with '-'"),
        (String(repeating: "a", count: 64), nil, "selector: '\(String(repeating: "a", count: 64))' is longer than 63 characters"),
        ("a.b", nil, "selector: 'a.b' may hold only lower-case letters a-z, digits and '-'"),
        ("", nil, "selector: required"),
        ("ok", "not a key", "private-key: not an RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8) PEM private key"),
    ] as [(String, String?, String)])
    func refusals(selector: String, pem: String?, message: String) throws {
        let fixture = try DkimFixture()
        #expect(controlPlaneMessage { _ = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: selector,
                                                                             algorithm: .ed25519, privateKeyPEM: pem)) } == message)
        #expect(try fixture.store.dkimKeys(domain: fixture.domain.id).isEmpty)
    }

    @Test("selectors are unique per domain and a domain holds at most two keys")
    func limits() throws {
        let fixture = try DkimFixture()
        _ = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "a", algorithm: .ed25519))
        #expect(controlPlaneMessage { _ = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "a", algorithm: .ed25519)) }
                == "the email domain already has a DKIM key with selector a")
        _ = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "b", algorithm: .ed25519))
        #expect(controlPlaneMessage { _ = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "c", algorithm: .ed25519)) }?
            .contains("already has 2 DKIM keys") == true)
    }

    @Test("deleting the ACTIVE key leaves the domain without one")
    func deleteActive() throws {
        let fixture = try DkimFixture()
        let key = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "a", algorithm: .ed25519))
        _ = try fixture.store.setDkimState(key.id, .active, details: "verified")
        #expect(try fixture.store.emailDomain(fixture.domain.id).activeDkimId == key.id)
        try fixture.store.deleteDkim(key.id)
        #expect(try fixture.store.emailDomain(fixture.domain.id).activeDkimId == nil)
        #expect(controlPlaneMessage { _ = try fixture.store.activeDkimSigningKey(domain: fixture.domain) }?.hasPrefix("domain: example.com has no ACTIVE DKIM key") == true)
    }

    @Test("the zone file holds each key's TXT at its CNAME target, split at 255 octets")
    func zoneFile() throws {
        let fixture = try DkimFixture()
        let key = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "s1", privateKeyPEM: Self.rsaPEM))
        let text = DkimZoneFile(zone: DomainName("dkim.envoi.test")!).render(try fixture.store.allDkimKeys(), generated: Date(timeIntervalSince1970: 1_795_000_000),
                                                                            nameServer: DomainName("ns1.example.net"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("$ORIGIN dkim.envoi.test."))
        #expect(lines.contains("@ IN SOA ns1.example.net. hostmaster.dkim.envoi.test. 1795000000 3600 600 1209600 300"))
        let record = try #require(lines.first { $0.hasPrefix("s1.example.com.dkim.envoi.test. IN TXT ( \"v=DKIM1; k=rsa; p=") })
        let strings = TXTRecordText.characterStrings(key.txtRecordValue)
        #expect(strings.count == 2 && strings[0].utf8.count == 255)
        #expect(record == "s1.example.com.dkim.envoi.test. IN TXT ( \"\(strings[0])\" \"\(strings[1])\" )")
        let other = DkimZoneFile(zone: DomainName("other.test")!).render(try fixture.store.allDkimKeys(), generated: Date())
        #expect(other.contains("; skipped s1.example.com.dkim.envoi.test: not under other.test"))
    }

    @Test("a check's names come from the key's stored CNAME target")
    func namesOfAKey() throws {
        let fixture = try DkimFixture()
        let key = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "s1", algorithm: .ed25519))
        #expect(DkimChecker.names(of: key, domain: "example.com") == DkimRecordNames(selector: "s1", domain: "example.com", publishZone: "dkim.envoi.test"))
    }

    @Test("a failed lookup keeps the last finding without stacking failure notes")
    func failureDetails() throws {
        let fixture = try DkimFixture()
        var key = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "s1", algorithm: .ed25519))
        key.lifecycleDetails = "The CNAME at x points to y; it must point to z."
        let failure = DkimDiagnosis.lookupFailed(name: "x", reason: "timed out")
        let first = DkimChecker.failureDetails(failure, key: key)
        #expect(first == "The DNS lookup of x failed: timed out. The key stays NEEDS_ATTENTION until DNS answers. Last finding: The CNAME at x points to y; it must point to z.")
        key.lifecycleDetails = first
        #expect(DkimChecker.failureDetails(failure, key: key) == first)
    }

    @Test("a check against a DNS server that is down keeps the state and says why")
    func checkWithDNSDown() async throws {
        let fixture = try DkimFixture()
        let key = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "s1", algorithm: .ed25519))
        _ = try await fixture.store.setDkimState(key.id, .active, details: "DNS verified earlier.")
        let checker = DkimChecker(store: fixture.store, resolver: DNSResolver(server: .address(.init(host: "127.0.0.1", port: 9)), timeoutSeconds: 1, attempts: 1))
        let result = try await checker.check(key.id)
        #expect(result.key.lifecycleState == .active && result.previousState == .active)
        #expect(result.key.lifecycleDetails?.hasPrefix("The DNS lookup of s1._domainkey.example.com failed: ") == true)
        #expect(result.key.lifecycleDetails?.hasSuffix("The key stays ACTIVE until DNS answers. Last finding: DNS verified earlier.") == true)
        _ = try fixture.store.setDkimState(key.id, .inactive)
        await #expect(throws: ControlPlaneError.self) { _ = try await checker.check(key.id) }
    }

    @Test("the end of a CNAME chain, loops included")
    func endOfChain() {
        let records: [DkimDNSRecord] = [.cname(owner: "a", target: "B."), .cname(owner: "b", target: "c"), .cname(owner: "x", target: "y"),
                                        .cname(owner: "y", target: "x")]
        #expect(DkimDNSProbe.endOfChain(from: "a", in: records) == "c")
        #expect(DkimDNSProbe.endOfChain(from: "x", in: records) == "y")
        #expect(DkimDNSProbe.endOfChain(from: "q", in: records) == "q")
    }

    static let rsaPEM: String = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("DKIMTests/Resources/rsa2048-pkcs8.pem")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()
}

@Suite("The periodic DKIM check")
struct DkimPeriodicCheckTests {
    /// Counts the rounds reported, from any thread.
    final class Rounds: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        func add() { lock.withLock { count += 1 } }
        var value: Int { lock.withLock { count } }
    }

    @Test("runs rounds until cancelled, each checking every key")
    func rounds() async throws {
        let fixture = try DkimFixture()
        let key = try fixture.factory.create(.init(emailDomainId: fixture.domain.id, selector: "s1", algorithm: .ed25519))
        let checker = DkimChecker(store: fixture.store, resolver: DNSResolver(server: .address(.init(host: "127.0.0.1", port: 9)), timeoutSeconds: 1, attempts: 1))
        let rounds = Rounds()
        let task = Task {
            await checker.runPeriodically(every: .milliseconds(20), clock: ContinuousClock()) { outcomes in
                if outcomes.count == 1, case .success = outcomes[0].outcome { rounds.add() }
            }
        }
        // Generous: under ThreadSanitizer the suite's PBKDF2 and SQLite work fill the GCD pool that
        // the DNS lookups also run on, and a round has been seen to wait over 60 s there.
        let deadline = ContinuousClock.now + .seconds(180)
        while rounds.value < 2, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        await task.value
        #expect(rounds.value >= 2)
        #expect(try fixture.store.dkimKey(key.id).lifecycleDetails?.hasPrefix("The DNS lookup of s1._domainkey.example.com failed") == true)
    }
}
