import EnvoiCore
import Foundation
import Testing

@Suite struct SendAuthorizationTests {
    let t = TenancyFixture()

    func sender(_ address: String, in compartment: OCID) -> Sender {
        Sender(id: .generate(.sender), compartmentId: compartment, emailAddress: address, timeCreated: Date())
    }

    func authorization(active: Set<String> = ["dkim.example"]) -> SendAuthorization {
        SendAuthorization(
            senders: [sender("news@marketing.example", in: t.marketing),
                      sender("Sales@Sales.Example", in: t.sales),
                      sender("@dkim.example", in: t.marketing),
                      sender("@nodkim.example", in: t.marketing)],
            activeDkimDomains: active,
            policies: t.evaluator(t.policy("Allow group Senders to use email-family in compartment Marketing")))
    }

    func address(_ text: String) -> EmailAddress { EmailAddress(text)! }

    enum Expected: Equatable { case allowed(String), notApproved(String), noDkim(String), notPermitted(String) }

    @Test("envelope and header From are both checked, envelope first", arguments: [
        // (envelope, header From addresses, expected)
        ("news@marketing.example", ["news@marketing.example"], Expected.allowed("news@marketing.example")),
        ("NEWS@Marketing.Example", ["news@marketing.example"], .allowed("news@marketing.example")),
        ("anyone@dkim.example", ["anyone@dkim.example"], .allowed("@dkim.example")),
        ("stranger@elsewhere.example", ["news@marketing.example"], .notApproved("stranger@elsewhere.example")),
        ("news@marketing.example", ["stranger@elsewhere.example"], .notApproved("stranger@elsewhere.example")),
        ("news@marketing.example", ["news@marketing.example", "ceo@elsewhere.example"], .notApproved("ceo@elsewhere.example")),
        ("news@marketing.example", ["someone@nodkim.example"], .noDkim("someone@nodkim.example")),
        ("sales@sales.example", [], .notPermitted("sales@sales.example")),
        ("news@marketing.example", ["anyone@dkim.example", "news@marketing.example"], .allowed("news@marketing.example")),
        ("sub@mail.dkim.example", [], .notApproved("sub@mail.dkim.example")),
    ])
    func decisions(envelope: String, from: [String], expected: Expected) {
        let decision = authorization().authorize(groups: [t.senders], envelopeSender: address(envelope), headerFrom: from.map(address))
        switch decision {
        case .allowed(let sender): #expect(expected == .allowed(sender.emailAddress.lowercased()))
        case .denied(.notApproved(let a)): #expect(expected == .notApproved(a))
        case .denied(.wildcardWithoutActiveDkim(let a)): #expect(expected == .noDkim(a))
        case .denied(.notPermitted(let a)): #expect(expected == .notPermitted(a))
        }
    }

    @Test func aWildcardStopsWorkingWhenTheDomainLosesItsActiveKey() {
        let decision = authorization(active: []).authorize(groups: [t.senders], envelopeSender: address("a@dkim.example"))
        #expect(decision == .denied(.wildcardWithoutActiveDkim("a@dkim.example")))
    }

    @Test func aNamedCompartmentRestrictsTheMatch() {
        let auth = authorization()
        #expect(auth.check(address("news@marketing.example"), groups: [t.senders], compartment: t.sales)
                == .denied(.notApproved("news@marketing.example")))
        if case .allowed = auth.check(address("news@marketing.example"), groups: [t.senders], compartment: t.marketing) {} else {
            Issue.record("expected allowed in its own compartment")
        }
    }

    @Test func theExactAddressWinsOverTheWildcardWhateverTheStoreOrder() {
        let wildcardFirst = SendAuthorization(
            senders: [sender("@dkim.example", in: t.marketing), sender("Ceo@DKIM.example", in: t.marketing)],
            activeDkimDomains: ["dkim.example"],
            policies: t.evaluator(t.policy("Allow group Senders to use email-family in compartment Marketing")))
        #expect(wildcardFirst.check(address("ceo@dkim.example"), groups: [t.senders]).sender?.emailAddress == "Ceo@DKIM.example")
        #expect(wildcardFirst.check(address("cfo@dkim.example"), groups: [t.senders]).sender?.emailAddress == "@dkim.example")
    }

    @Test func anExactAddressTheUserMayNotUseFallsBackToAPermittedWildcard() {
        let auth = SendAuthorization(
            senders: [sender("ceo@dkim.example", in: t.sales), sender("@dkim.example", in: t.marketing)],
            activeDkimDomains: ["dkim.example"],
            policies: t.evaluator(t.policy("Allow group Senders to use email-family in compartment Marketing")))
        #expect(auth.check(address("ceo@dkim.example"), groups: [t.senders]).sender?.emailAddress == "@dkim.example")
    }

    @Test func otherGroupsAreNotPermitted() {
        let decision = authorization().authorize(groups: [t.others], envelopeSender: address("news@marketing.example"))
        #expect(decision == .denied(.notPermitted("news@marketing.example")))
        #expect(decision != .denied(.notApproved("news@marketing.example")))
    }
}

extension SendAuthorization.Decision {
    var sender: Sender? { if case .allowed(let sender) = self { sender } else { nil } }
}

@Suite struct ControlPlaneRulesTests {
    @Test("sender addresses: mailbox or @domain", arguments: [
        ("a@Example.com", "a@example.com"), ("@Example.COM", "@example.com"), ("  b@c.org ", "b@c.org"),
    ])
    func senderAddresses(input: String, stored: String) throws {
        #expect(try ControlPlaneRules.senderAddress(input).text == stored)
    }

    @Test("bad sender addresses name the field", arguments: ["", "@", "@localhost", "a@", "x y@z.org", "@-bad.com"])
    func badSenders(input: String) {
        #expect(throws: ControlPlaneError.self) { try ControlPlaneRules.senderAddress(input) }
        do { _ = try ControlPlaneRules.senderAddress(input) } catch { #expect(error.message.hasPrefix("email: ")) }
    }

    @Test func wildcardsNeedAnActiveDkimKey() throws {
        let wildcard = try ControlPlaneRules.senderAddress("@example.com")
        #expect(throws: ControlPlaneError.self) { try ControlPlaneRules.checkWildcard(wildcard, domainHasActiveDkim: false) }
        try ControlPlaneRules.checkWildcard(wildcard, domainHasActiveDkim: true)
        try ControlPlaneRules.checkWildcard(try ControlPlaneRules.senderAddress("a@example.com"), domainHasActiveDkim: false)
    }

    @Test("at most two credentials per user", arguments: [(0, true), (1, true), (2, false), (3, false)])
    func credentials(existing: Int, allowed: Bool) {
        let result = Result { () throws(ControlPlaneError) in try ControlPlaneRules.checkNewCredential(existingCount: existing) }
        if case .failure(let error) = result { #expect(!allowed); #expect(error.code == .limitExceeded) } else { #expect(allowed) }
    }

    func key(_ selector: String, _ state: DkimLifecycleState) -> DkimKey {
        DkimKey(id: .generate(.dkim), name: selector, emailDomainId: .generate(.emailDomain), compartmentId: .generate(.compartment),
                lifecycleState: state, timeCreated: Date(), timeUpdated: Date(), dnsSubdomainName: "", cnameRecordValue: "",
                txtRecordValue: "", isImported: false, keyLength: 2048, algorithm: "rsa-sha256")
    }

    @Test func atMostTwoDkimKeysPerDomainWithUniqueSelectors() throws {
        try ControlPlaneRules.checkNewDkim(existing: [], selector: "s1")
        try ControlPlaneRules.checkNewDkim(existing: [key("s1", .active)], selector: "s2")
        try ControlPlaneRules.checkNewDkim(existing: [key("s1", .active), key("old", .deleted)], selector: "s2")
        #expect(throws: ControlPlaneError.limit("the email domain already has 2 DKIM keys (the maximum); delete one first")) {
            try ControlPlaneRules.checkNewDkim(existing: [key("s1", .active), key("s2", .needsAttention)], selector: "s3")
        }
        #expect(throws: ControlPlaneError.conflict("the email domain already has a DKIM key with selector S1")) {
            try ControlPlaneRules.checkNewDkim(existing: [key("s1", .active)], selector: "S1")
        }
    }

    @Test func activatingAKeyDeactivatesTheOtherActiveOne() {
        let old = key("old", .active)
        let new = key("new", .needsAttention)
        #expect(ControlPlaneRules.keysToDeactivate(activating: new.id, existing: [old, new]) == [old.id])
        #expect(ControlPlaneRules.keysToDeactivate(activating: old.id, existing: [old, new]).isEmpty)
    }

    @Test func suppressionAddressesAreLowerCased() throws {
        #expect(try ControlPlaneRules.suppressionAddress(" Bounce@Example.ORG ") == "bounce@example.org")
        #expect(throws: ControlPlaneError.self) { try ControlPlaneRules.suppressionAddress("not-an-address") }
    }

    @Test("limits are validated with the field named", arguments: [
        (SendLimits(messagesPerMinute: 0, messagesPerDay: 10, maxMessageSize: 2048), "per-minute: 0 is out of range (1...10000000)"),
        (SendLimits(messagesPerMinute: 10, messagesPerDay: 0, maxMessageSize: 2048), "per-day: 0 is out of range (1...1000000000)"),
        (SendLimits(messagesPerMinute: 10, messagesPerDay: 50, maxMessageSize: 10), "max-message-size: 10 is out of range (1024...104857600)"),
    ])
    func limits(limits: SendLimits, message: String) {
        #expect(throws: ControlPlaneError.invalid(field: String(message.prefix { $0 != ":" }), String(message.drop { $0 != ":" }.dropFirst(2)))) {
            try limits.validate()
        }
        #expect(throws: Never.self) { try SendLimits.default.validate() }
    }
}
