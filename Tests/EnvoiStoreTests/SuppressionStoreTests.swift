// SQLite-only: the synchronous CLI and console API (prefix and reason filters, page tokens, counts, the demo seed); `SuppressionStore` itself is in StoreContractTests.
import EnvoiCore
@testable import EnvoiStore
import Foundation
import Testing

@Suite struct SuppressionStoreTests {
    @Test func pagesCoverEveryEntryOnceInAddressOrder() throws {
        let f = try StoreFixture()
        let addresses = (0..<25).map { String(format: "user%02d@example.org", $0) }
        for address in addresses.shuffled() { _ = try f.store.addSuppression(email: address) }
        var seen: [String] = []
        var page: String?
        var pages = 0
        repeat {
            let result = try f.store.suppressions(limit: 10, page: page)
            seen += result.items.map(\.emailAddress)
            page = result.nextPage
            pages += 1
        } while page != nil && pages < 10
        #expect(seen == addresses)
        #expect(pages == 3)
    }

    @Test func prefixAndReasonFilter() throws {
        let f = try StoreFixture()
        _ = try f.store.addSuppression(email: "alice@a.org", reason: .hardBounce)
        _ = try f.store.addSuppression(email: "alex@a.org", reason: .complaint)
        _ = try f.store.addSuppression(email: "bob@b.org", reason: .hardBounce)
        #expect(try f.store.suppressions(prefix: "AL").items.map(\.emailAddress) == ["alex@a.org", "alice@a.org"])
        #expect(try f.store.suppressions(reason: .hardBounce).items.map(\.emailAddress) == ["alice@a.org", "bob@b.org"])
        #expect(try f.store.suppressions(prefix: "al", reason: .hardBounce).items.map(\.emailAddress) == ["alice@a.org"])
        #expect(try f.store.suppressions(prefix: "z").items.isEmpty)
        #expect(try f.store.suppressionCount(reason: .hardBounce) == 2)
    }

    @Test func badPageArgumentsNameTheField() throws {
        let f = try StoreFixture()
        #expect(throws: ControlPlaneError.invalid(field: "limit", "0 is out of range (1...1000)")) { try f.store.suppressions(limit: 0) }
        #expect(throws: ControlPlaneError.invalid(field: "page", "'%%%' is not a page token returned by a previous list")) {
            try f.store.suppressions(page: "%%%")
        }
    }
}

@Suite struct SuppressionSeedTests {
    @Test func seededEntriesReadBackAsSuppressionsAndFilterByReasonThroughTheIndex() throws {
        let f = try StoreFixture()
        #expect(try f.store.seedSuppressions(count: 600) == 600)
        #expect(try f.store.seedSuppressions(count: 10) == 0)
        #expect(try f.store.suppressionCount() == 600)
        let first = try f.store.suppressions(limit: 2).items
        #expect(first.map(\.emailAddress) == ["user0000000@example0.org", "user0000001@example1.org"])
        #expect(first[0].reason == .hardBounce && first[0].errorDetail?.contains("User unknown") == true)
        #expect(first[0].timeCreated < Date())
        let manual = try f.store.suppressions(prefix: "user00001", reason: .manual, limit: 100)
        let expected = (100..<200).filter { $0 % 6 == 5 }.map { "user\(String(format: "%07d", $0))@example\($0 % 50).org" }
        #expect(manual.items.map(\.emailAddress) == expected)
        #expect(manual.items.allSatisfy { $0.reason == .manual && $0.emailAddress.hasPrefix("user00001") })
    }
}
