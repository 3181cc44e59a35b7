@testable import Console
import EnvoiCore
import Testing

/// Every key of the help overlay, in the normal mode.
@Suite struct ReducerTests {
    func press(_ keys: [Key], on model: inout ConsoleModel) -> [ConsoleEffect] {
        keys.flatMap { ConsoleReducer.reduce(&model, $0) }
    }

    @Test func qQuits() {
        var model = ConsoleFixture.model()
        #expect(ConsoleReducer.reduce(&model, .character("q")) == [.quit])
    }

    @Test func numberKeysSwitchPanesAndAskForTheirData() {
        var model = ConsoleFixture.model()
        #expect(ConsoleReducer.reduce(&model, .character("2")) == [.refresh(.senders)])
        #expect(model.pane == .senders)
        #expect(ConsoleReducer.reduce(&model, .character("5")) == [.loadSuppressions(SuppressionRequest())])
        #expect(ConsoleReducer.reduce(&model, .character("1")) == [])
        #expect(model.pane == .overview)
        #expect(ConsoleReducer.reduce(&model, .character("8")) == [] && model.pane == .overview)
    }

    @Test func tabAndShiftTabCycleThroughPanes() {
        var model = ConsoleFixture.model(pane: .mail)
        _ = ConsoleReducer.reduce(&model, .tab)
        #expect(model.pane == .overview)
        _ = ConsoleReducer.reduce(&model, .backTab)
        #expect(model.pane == .mail)
        _ = ConsoleReducer.reduce(&model, .backTab)
        #expect(model.pane == .activity)
    }

    @Test func jkAndArrowsMoveWithinTheRows() {
        var model = ConsoleFixture.model(pane: .senders)
        _ = press([.character("j"), .down, .down, .down], on: &model)
        #expect(model.selected(.senders) == 2)
        _ = press([.character("k"), .up, .up], on: &model)
        #expect(model.selected(.senders) == 0)
    }

    @Test func gAndGJumpToFirstAndLast() {
        var model = ConsoleFixture.model(pane: .senders)
        _ = press([.character("G")], on: &model)
        #expect(model.selected(.senders) == 2)
        _ = press([.character("g")], on: &model)
        #expect(model.selected(.senders) == 0)
        _ = press([.end], on: &model)
        #expect(model.selected(.senders) == 2)
        _ = press([.home], on: &model)
        #expect(model.selected(.senders) == 0)
    }

    @Test func pageKeysMoveByAPageInMemoryLists() {
        var model = ConsoleFixture.model(pane: .activity)
        _ = press([.pageDown], on: &model)
        #expect(model.selected(.activity) == model.rowCount(.activity) - 1)
        _ = press([.pageUp], on: &model)
        #expect(model.selected(.activity) == 0)
    }

    @Test func pageKeysReadTheNextAndPreviousSuppressionPageFromTheStore() {
        var model = ConsoleFixture.model(pane: .suppressions)
        #expect(press([.pageDown], on: &model) == [.loadSuppressions(SuppressionRequest(page: "bmV4dA=="))])
        #expect(model.suppressions.previousPages == [nil])
        // A stale page (the first, answered late) is ignored.
        model.receive(.suppressions(SuppressionPageResult(request: SuppressionRequest(), items: [], nextPage: nil)))
        #expect(model.suppressions.items.count == 3)
        model.receive(.suppressions(SuppressionPageResult(request: model.suppressions.request, items: [], nextPage: nil)))
        #expect(press([.pageDown], on: &model) == [])
        #expect(press([.pageUp], on: &model) == [.loadSuppressions(SuppressionRequest())])
        #expect(press([.pageUp], on: &model) == [])
    }

    @Test func slashFiltersAsTypedEnterKeepsEscClears() {
        var model = ConsoleFixture.model(pane: .senders)
        _ = press([.character("/"), .character("b"), .character("i")], on: &model)
        #expect(model.mode == .filter("bi"))
        #expect(model.visibleSenders.map(\.address) == ["billing@example.com"])
        _ = press([.backspace, .character("i"), .enter], on: &model)
        #expect(model.mode == .normal && model.filters[.senders] == "bi")
        _ = press([.escape], on: &model)
        #expect(model.visibleSenders.count == 3)
        _ = press([.character("/"), .character("x"), .escape], on: &model)
        #expect(model.filters[.senders] == "" && model.mode == .normal)
    }

    @Test func suppressionFilterIsAnAddressPrefixQuery() {
        var model = ConsoleFixture.model(pane: .suppressions)
        let effects = press([.character("/"), .character("b")], on: &model)
        #expect(effects == [.loadSuppressions(SuppressionRequest(prefix: "b"))])
        #expect(model.suppressions.request == SuppressionRequest(prefix: "b"))
    }

    @Test func capitalRCyclesTheReasonFilter() {
        var model = ConsoleFixture.model(pane: .suppressions)
        #expect(press([.character("R")], on: &model) == [.loadSuppressions(SuppressionRequest(reason: .unknown))])
        for _ in 1..<SuppressionReason.allCases.count { _ = press([.character("R")], on: &model) }
        #expect(model.suppressions.request.reason == .unsubscribe)
        _ = press([.character("R")], on: &model)
        #expect(model.suppressions.request.reason == nil)
    }

    @Test func questionMarkOpensHelpAndAnyKeyClosesIt() {
        var model = ConsoleFixture.model()
        _ = press([.character("?")], on: &model)
        #expect(model.mode == .help)
        #expect(press([.character("q")], on: &model) == [])
        #expect(model.mode == .normal)
    }

    @Test func enterOpensTheDetailAndEscGoesBack() {
        var model = ConsoleFixture.model(pane: .suppressions)
        _ = press([.enter], on: &model)
        #expect(model.detailOpen)
        _ = press([.escape], on: &model)
        #expect(!model.detailOpen)
        var mail = ConsoleFixture.model(pane: .mail)
        #expect(press([.enter], on: &mail) == [.loadMailMessage(2)])
    }

    @Test func newMailAtTheTopKeepsTheOpenMessageUnderTheCursor() {
        var model = ConsoleFixture.model(pane: .mail)
        #expect(press([.character("j"), .enter], on: &model) == [.loadMailMessage(1)])
        let newer = MailItem(id: 3, delivered: ConsoleFixture.time, sender: "app@example.com", recipients: ["new@example.org"],
                             dkimSelector: nil, size: 900)
        model.receive(.mail([newer] + ConsoleFixture.mail))
        #expect(model.selectedMail?.id == 1)
        #expect(model.detailOpen)
    }

    @Test func pTogglesTheActivityPauseAndFreezesTheTail() {
        var model = ConsoleFixture.model(pane: .activity)
        _ = press([.character("p")], on: &model)
        #expect(model.activity.paused)
        model.receive(.activity([]))
        #expect(model.visibleActivity.count == 4)
        _ = press([.character("p")], on: &model)
        #expect(!model.activity.paused && model.visibleActivity.count == 1)
    }

    @Test func rRechecksTheSelectedDkimKeyAndReloadsElsewhere() {
        var model = ConsoleFixture.model(pane: .dkim)
        _ = press([.character("j")], on: &model)
        #expect(press([.character("r")], on: &model) == [.recheckDkim(ConsoleFixture.id("emaildkim", 2), selector: "rotate-2027")])
        var senders = ConsoleFixture.model(pane: .senders)
        #expect(press([.character("r")], on: &senders) == [.refresh(.senders)])
    }
}
