@testable import Console
import EnvoiCore
import Foundation
import Logging
import Testing

/// The console service without a terminal: effects run against a fake data source and their
/// outcomes land in the session's model.
@Suite struct ConsoleServiceTests {
    final class FakeSource: ConsoleDataSource {
        let senderRows = Locked<[SenderRow]>([])
        let refuse = Locked<ControlPlaneError?>(nil)

        func senders() async throws -> [SenderRow] { senderRows.withLock { $0 } }
        func domains() async throws -> [DomainRow] { ConsoleFixture.domains }
        func dkimKeys() async throws -> [DkimKeyRow] { ConsoleFixture.dkimKeys }
        func suppressions(_ request: SuppressionRequest, limit: Int) async throws -> SuppressionPageResult {
            SuppressionPageResult(request: request, items: Array(ConsoleFixture.suppressions.filter { $0.emailAddress.hasPrefix(request.prefix) }.prefix(limit)),
                                  nextPage: nil)
        }
        func activity(limit: Int) async throws -> [ActivityEvent] { ConsoleFixture.activity }
        func mail(limit: Int) async throws -> [MailItem] { ConsoleFixture.mail }
        func mailMessage(_ id: Int64) async throws -> MailMessageText { ConsoleFixture.message }
        func addSender(_ address: String) async throws -> String {
            if let error = refuse.withLock({ $0 }) { throw error }
            senderRows.withLock {
                $0.append(SenderRow(id: ConsoleFixture.id("emailsender", 9), address: address, compartment: "envoi", state: "ACTIVE",
                                    isSpf: false, created: ConsoleFixture.time))
            }
            return address
        }
        func deleteSender(_ id: OCID) async throws { senderRows.withLock { $0.removeAll { $0.id == id } } }
        func addSuppression(_ address: String) async throws -> String { address }
        func removeSuppression(_ id: OCID) async throws {}
        func createDkimKey(domain: OCID) async throws -> String { "envoi-20261118" }
        func recheckDkim(_ id: OCID) async throws -> String { "ACTIVE: verified" }
        func reply(forRefusal reason: String) -> String {
            reason == "limit_per_minute" ? "455 Maximum messages sent per minute reached : limit is 100" : reason
        }
    }

    func service(_ source: FakeSource, statistics: [StatisticsSnapshot] = []) -> (ConsoleService<ContinuousClock>, ConsoleSession) {
        let session = ConsoleSession(model: ConsoleModel())
        let service = ConsoleService(session: session, source: source, statistics: {
            AsyncStream { continuation in
                for snapshot in statistics { continuation.yield(snapshot) }
                continuation.finish()
            }
        }, colors: false, clock: ContinuousClock(), logger: Logger(label: "test"))
        return (service, session)
    }

    @Test func anAddedSenderIsReportedAndTheListReloaded() async {
        let source = FakeSource()
        let (service, session) = service(source)
        await service.perform(.addSender("new@example.com"))
        let model = session.snapshot().model
        #expect(model.status == StatusLine("approved sender new@example.com"))
        #expect(model.senders.map(\.address) == ["new@example.com"])
    }

    @Test func aRefusedActionShowsTheStoresMessage() async {
        let source = FakeSource()
        source.refuse.withLock { $0 = .conflict("new@example.com is already an approved sender") }
        let (service, session) = service(source)
        await service.perform(.addSender("new@example.com"))
        #expect(session.snapshot().model.status == StatusLine("new@example.com is already an approved sender", isError: true))
    }

    @Test func pagesAndMessagesArriveInTheModel() async {
        let (service, session) = service(FakeSource())
        session.handle(.character("5"))
        await service.perform(.loadSuppressions(SuppressionRequest(prefix: "b")))
        #expect(session.snapshot().model.suppressions.items.isEmpty, "a page for another request is stale")
        await service.perform(.loadSuppressions(SuppressionRequest()))
        #expect(session.snapshot().model.suppressions.items.count == 3)
        await service.perform(.loadMailMessage(2))
        #expect(session.snapshot().model.mailMessage == ConsoleFixture.message)
        await service.perform(.refresh(.dkim))
        #expect(session.snapshot().model.dkimKeys == ConsoleFixture.dkimKeys && session.snapshot().model.domains == ConsoleFixture.domains)
    }

    @Test func newRefusalsInTheFeedBecomeActivityLinesWithTheirReply() async {
        var before = ConsoleFixture.statistics
        before.rejectedByReason = ["limit_per_minute": 1]
        var after = before
        after.rejectedByReason = ["limit_per_minute": 3, "too_large": 0]
        let (service, session) = service(FakeSource(), statistics: [before, after, after])
        await service.followStatistics()
        let model = session.snapshot().model
        #expect(model.statistics == after)
        #expect(model.activity.refusals.map(\.status) == ["455 Maximum messages sent per minute reached : limit is 100 (×2)"])
        #expect(model.activity.refusals.first?.type == "rejected")
    }

    @Test func everyKeyBumpsTheVersionTheTerminalRedrawsOn() {
        let session = ConsoleSession(model: ConsoleModel())
        let before = session.snapshot().version
        session.handle(.character("2"))
        #expect(session.snapshot().version == before + 1)
        session.receive(.senders([]))
        #expect(session.snapshot().version == before + 1, "an update that changes nothing does not redraw")
        session.receive(.statistics(ConsoleFixture.statistics))
        #expect(session.snapshot().version == before + 1, "statistics redraw the Overview only")
        #expect(session.snapshot().model.statistics == ConsoleFixture.statistics)
        session.handle(.character("1"))
        session.receive(.statistics(ConsoleFixture.model().statistics!.withTime(ConsoleFixture.time.addingTimeInterval(1))))
        #expect(session.snapshot().version == before + 3)
    }
}

extension StatisticsSnapshot {
    func withTime(_ time: Date) -> StatisticsSnapshot {
        var copy = self
        copy.time = time
        return copy
    }
}
