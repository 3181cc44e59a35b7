import EnvoiCore
import Foundation
import Testing

/// The console's lists (EnvoiCore's `ConsoleStore`), through the store as `envoi console` holds
/// it: the same order, filters, pages and errors on every backend, so that a node's console on
/// PostgreSQL shows what the SQLite one shows.
@Suite struct ConsoleContractTests {
    @Test(arguments: StoreBackend.allCases)
    func sendersListOldestFirstWithTheirCompartmentsNames(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let other = try await store.addCompartment("other")
            let first = try await store.console.createSenderInRootCompartment(email: "b@example.com")
            _ = try await store.identity.createSender(email: "a@example.com", compartment: other, tags: .none)
            _ = try await store.console.createSenderInRootCompartment(email: "c@Example.COM")
            #expect(first.compartmentId == store.rootCompartment, "the console approves in the tenancy's root compartment")
            let listed = try await store.console.allSenders()
            #expect(listed.map(\.sender.emailAddress) == ["b@example.com", "a@example.com", "c@example.com"])
            #expect(listed.map(\.compartmentName) == [ControlPlaneDefaults.tenancyName, "other", ControlPlaneDefaults.tenancyName])
            #expect(await controlPlaneErrorCode { _ = try await store.console.createSenderInRootCompartment(email: "B@EXAMPLE.com") } == .conflict)
            try await store.identity.deleteSender(first.id)
            #expect(try await store.console.allSenders().map(\.sender.emailAddress) == ["a@example.com", "c@example.com"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func emailDomainsOfEveryCompartmentListByName(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let other = try await store.addCompartment("other")
            _ = try await store.addEmailDomain("zeta.example")
            _ = try await store.domains.createEmailDomain(name: "mid.example", compartment: other, description: nil, tags: .none,
                                                          answering: Answering(nil) { _ in RecordedAnswer(status: 200, body: "") })
            _ = try await store.addEmailDomain("alpha.example")
            let listed = try await store.console.allEmailDomains()
            #expect(listed.map(\.name) == ["alpha.example", "mid.example", "zeta.example"])
            #expect(listed.map(\.compartmentId) == [store.rootCompartment, other, store.rootCompartment])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func suppressionsPageInAddressOrderFilteredByPrefixAndReason(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            for address in ["carol@x.org", "alice@x.org", "Albert@x.org", "alan@x.org", "bob@x.org", "al_z@x.org"] {
                _ = try await store.addSuppression(email: address)
            }
            let queueID = try await store.enqueue(recipients: ["alfred@x.org"])
            #expect(try await store.reports.recordReport(queueID: queueID, recipient: "alfred@x.org", outcome: .hardBounce,
                                                         detail: "550 5.1.1", source: nil))

            let everything = try await Self.allPages(store.console, prefix: nil, reason: nil, limit: 2)
            #expect(everything.map { $0.count } == [2, 2, 2, 1], "full pages, then the rest")
            #expect(everything.joined().map(\.emailAddress)
                == ["al_z@x.org", "alan@x.org", "albert@x.org", "alfred@x.org", "alice@x.org", "bob@x.org", "carol@x.org"],
                    "byte order ('_' before letters), lower-cased")

            let prefixed = try await Self.allPages(store.console, prefix: "AL", reason: nil, limit: 3)
            #expect(prefixed.map { $0.map(\.emailAddress) }
                == [["al_z@x.org", "alan@x.org", "albert@x.org"], ["alfred@x.org", "alice@x.org"]])
            #expect(try await Self.allPages(store.console, prefix: "al_", reason: nil, limit: 10).joined().map(\.emailAddress)
                == ["al_z@x.org"], "'_' is a character, not a wildcard")

            let bounced = try await store.console.suppressions(prefix: "al", reason: .hardBounce, limit: 10, page: nil)
            #expect(bounced.items.map(\.emailAddress) == ["alfred@x.org"] && bounced.nextPage == nil)
            #expect(bounced.items.first?.errorDetail == "550 5.1.1")
            let manual = try await store.console.suppressions(prefix: nil, reason: .manual, limit: 10, page: nil)
            #expect(manual.items.count == 6 && !manual.items.map(\.emailAddress).contains("alfred@x.org"))
            let none = try await store.console.suppressions(prefix: nil, reason: .complaint, limit: 10, page: nil)
            #expect(none.items.isEmpty && none.nextPage == nil)
            #expect(try await store.console.suppressions(prefix: "zz", reason: nil, limit: 10, page: nil).items.isEmpty)

            #expect(await controlPlaneErrorCode { _ = try await store.console.suppressions(prefix: nil, reason: nil, limit: 0, page: nil) }
                == .invalidParameter)
            #expect(await controlPlaneErrorCode { _ = try await store.console.suppressions(prefix: nil, reason: nil, limit: 10, page: "%%") }
                == .invalidParameter)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func eventsListTheNewestFirstAfterACommit(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let first = try await store.enqueue(recipients: ["x@example.org"])
            let second = try await store.enqueue(recipients: ["y@example.org", "z@example.org"])
            let events = try await store.console.events(limit: 10)
            #expect(events.map(\.type) == ["accepted", "accepted", "accepted"])
            #expect(events.map(\.queueId) == [second, second, first], "newest first")
            #expect(Set(events.prefix(2).compactMap(\.recipient)) == ["y@example.org", "z@example.org"])
            #expect(events.last?.recipient == "x@example.org" && events.last?.envelopeSender == "a@example.com")
            #expect(events.last?.messageId == ContractMessage.messageID)
            #expect(events.map(\.id) == events.map(\.id).sorted(by: >))
            #expect(try await store.console.events(limit: 1).map(\.id) == [events[0].id])
            #expect(await controlPlaneErrorCode { _ = try await store.console.events(limit: 0) } == .invalidParameter)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theMailboxListsCapturedDeliveriesNewestFirstAndReadsTheirBytes(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            #expect(try await store.console.mailbox(limit: 10).isEmpty)
            let first = try await store.enqueue(recipients: ["x@example.org"])
            let second = try await store.enqueue(recipients: ["y@example.org", "z@example.org"])
            let jobs = try await store.queue.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60)
            let byID = Dictionary(uniqueKeysWithValues: jobs.map { ($0.queueID, $0) })
            let signed = Array("DKIM-Signature: v=1; s=s1\r\n".utf8) + (try #require(byID[second])).body
            for (id, selector) in [(first, nil), (second, "s1")] as [(String, String?)] {
                let job = try #require(byID[id])
                try await store.queue.keepInMailbox(selector == nil ? job.body : signed, of: job, recipients: job.recipients,
                                                    dkimSelector: selector, now: clock.now())
            }
            let kept = try await store.console.mailbox(limit: 10)
            #expect(kept.map(\.queueId) == [second, first], "newest first")
            #expect(kept.map(\.recipients) == [["y@example.org", "z@example.org"], ["x@example.org"]])
            #expect(kept.map(\.dkimSelector) == ["s1", nil] && kept[0].size == signed.count)
            #expect(kept[0].envelopeSender == "a@example.com" && kept[0].messageId == ContractMessage.messageID)
            #expect(try await store.console.mailbox(limit: 1).map(\.queueId) == [second])
            let (entry, body) = try await store.console.mailboxMessage(kept[0].id)
            #expect(entry == kept[0] && body == signed)
            #expect(await controlPlaneErrorCode { _ = try await store.console.mailboxMessage(kept[0].id + 1_000) } == .notFound)
        }
    }

    /// Every page of a console suppression listing, following the tokens.
    static func allPages(_ console: any ConsoleStore, prefix: String?, reason: SuppressionReason?, limit: Int) async throws -> [[Suppression]] {
        var pages: [[Suppression]] = []
        var token: String?
        repeat {
            let page = try await console.suppressions(prefix: prefix, reason: reason, limit: limit, page: token)
            pages.append(page.items)
            token = page.nextPage
        } while token != nil && pages.count < 100
        return pages
    }
}
