import EnvoiCore
import Foundation
import Testing

/// EnvoiCore's `ReportStore` (what the VERP report door reads and writes), the same assertions
/// on every backend.
@Suite struct ReportContractTests {
    @Test(arguments: StoreBackend.allCases)
    func aMessagesRecipientsAreListedSortedAndAnUnknownMessageIsNil(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let queueID = try await store.enqueue(recipients: ["zed@example.org", "Alice@example.org"])
            #expect(try await store.reports.recipients(ofQueueID: queueID) == ["Alice@example.org", "zed@example.org"])
            #expect(try await store.reports.recipients(ofQueueID: QueuedMessage.makeQueueID()) == nil)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aHardBounceAndAComplaintSuppressTheRecipientWithTheReportsCause(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let queueID = try await store.enqueue(recipients: ["Alice@example.org", "bob@example.org"])
            #expect(try await store.reports.recordReport(queueID: queueID, recipient: "alice@EXAMPLE.org", outcome: .hardBounce,
                                                         detail: "550 5.1.1 no such user", source: "mx.example.org"))
            #expect(try await store.reports.recordReport(queueID: queueID, recipient: "bob@example.org", outcome: .complaint,
                                                         detail: "abuse", source: nil))
            let listed = try await store.suppressions(SuppressionQuery(sortBy: .emailAddress, sortOrder: .ascending)).items
            #expect(listed.map(\.emailAddress) == ["alice@example.org", "bob@example.org"])
            #expect(listed.map(\.reason) == [.hardBounce, .complaint])
            #expect(listed[0].errorDetail == "550 5.1.1 no such user" && listed[0].errorSource == "mx.example.org")
            #expect(listed[0].messageId == ContractMessage.messageID)
            await #expect(throws: ControlPlaneError.conflict("alice@example.org is already suppressed (HARDBOUNCE, \(listed[0].id))"),
                          "a duplicate names the entry's reason") {
                _ = try await store.addSuppression(email: "ALICE@example.org")
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anUnknownMessageOrRecipientWritesNothing(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let queueID = try await store.enqueue(recipients: ["alice@example.org"])
            #expect(try await store.reports.recordReport(queueID: queueID, recipient: "mallory@example.org", outcome: .hardBounce,
                                                         detail: "550", source: nil) == false)
            #expect(try await store.reports.recordReport(queueID: QueuedMessage.makeQueueID(), recipient: "alice@example.org",
                                                         outcome: .complaint, detail: "abuse", source: nil) == false)
            #expect(try await store.suppressions(SuppressionQuery()).items.isEmpty)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func softBouncesSuppressOnlyOnceTheLimitIsReachedInARow(backend: StoreBackend) async throws {
        try await backend.withStore(softBounceLimit: 2) { store in
            let queueID = try await store.enqueue(recipients: ["carol@example.org"])
            #expect(try await store.reports.recordReport(queueID: queueID, recipient: "carol@example.org", outcome: .softBounce,
                                                         detail: "452 4.2.2 mailbox full", source: nil))
            #expect(try await store.suppressions(SuppressionQuery()).items.isEmpty, "one soft bounce is below the limit of 2")
            #expect(try await store.reports.recordReport(queueID: queueID, recipient: "carol@example.org", outcome: .softBounce,
                                                         detail: "452 4.2.2 mailbox full", source: nil))
            let listed = try await store.suppressions(SuppressionQuery()).items
            #expect(listed.map(\.reason) == [.softBounce] && listed.map(\.emailAddress) == ["carol@example.org"])
        }
    }
}
