@testable import Console
import EnvoiCore
import Testing

/// Add forms, confirmations, the `:` command line and `--read-only`.
@Suite struct ReducerInputTests {
    func type(_ text: String, _ model: inout ConsoleModel) -> [ConsoleEffect] {
        text.flatMap { ConsoleReducer.reduce(&model, .character($0)) }
    }

    @Test func addValidatesAsTypedAndSubmitsOnlyAValidAddress() {
        var model = ConsoleFixture.model(pane: .senders)
        _ = ConsoleReducer.reduce(&model, .character("a"))
        _ = type("new", &model)
        guard case .add(let form) = model.mode else { Issue.record("not adding"); return }
        #expect(form.error != nil)
        #expect(ConsoleReducer.reduce(&model, .enter) == [])
        _ = type("@example.com", &model)
        guard case .add(let valid) = model.mode else { Issue.record("not adding"); return }
        #expect(valid.error == nil)
        #expect(ConsoleReducer.reduce(&model, .enter) == [.addSender("new@example.com")])
        #expect(model.mode == .normal)
    }

    @Test func escCancelsAnAddForm() {
        var model = ConsoleFixture.model(pane: .suppressions)
        _ = ConsoleReducer.reduce(&model, .character("a"))
        _ = type("x@y.org", &model)
        #expect(ConsoleReducer.reduce(&model, .escape) == [] && model.mode == .normal)
    }

    @Test func aOnDkimOffersANewKeyForTheSelectedKeysDomain() {
        var model = ConsoleFixture.model(pane: .dkim)
        _ = ConsoleReducer.reduce(&model, .character("a"))
        #expect(model.mode == .add(AddForm(kind: .dkimKey, text: "example.com")))
        #expect(ConsoleReducer.reduce(&model, .enter) == [.createDkimKey(domain: ConsoleFixture.id("emaildomain", 1), name: "example.com")])
    }

    @Test func dAsksForConfirmationAndOnlyYConfirms() {
        var model = ConsoleFixture.model(pane: .suppressions)
        _ = ConsoleReducer.reduce(&model, .character("d"))
        guard case .confirm = model.mode else { Issue.record("no confirmation"); return }
        #expect(ConsoleReducer.reduce(&model, .character("n")) == [])
        #expect(model.status == StatusLine("cancelled"))
        _ = ConsoleReducer.reduce(&model, .character("d"))
        #expect(ConsoleReducer.reduce(&model, .character("y")) == [.removeSuppression(ConsoleFixture.id("emailsuppression", 1), address: "bounce@example.org")])
        var senders = ConsoleFixture.model(pane: .senders)
        _ = ConsoleReducer.reduce(&senders, .character("j"))
        _ = ConsoleReducer.reduce(&senders, .character("d"))
        #expect(ConsoleReducer.reduce(&senders, .character("Y")) == [.deleteSender(ConsoleFixture.id("emailsender", 2), address: "billing@example.com")])
    }

    @Test func commandLineRunsSenderSuppressPaneAndQuitCommands() {
        func run(_ line: String, on pane: Pane = .overview) -> ([ConsoleEffect], ConsoleModel) {
            var model = ConsoleFixture.model(pane: pane)
            var effects = ConsoleReducer.reduce(&model, .character(":"))
            effects += type(line, &model)
            effects += ConsoleReducer.reduce(&model, .enter)
            return (effects, model)
        }
        #expect(run("sender add a@b.co").0 == [.addSender("a@b.co")])
        #expect(run("sender delete APP@example.com").0 == [.deleteSender(ConsoleFixture.id("emailsender", 1), address: "app@example.com")])
        #expect(run("suppress x@y.org").0 == [.addSuppression("x@y.org")])
        #expect(run("q").0 == [.quit])
        #expect(run("quit").0 == [.quit])
        #expect(run("suppressions").0 == [.loadSuppressions(SuppressionRequest())])
        #expect(run("3").1.pane == .domains)
        let (none, invalid) = run("suppress not-an-address")
        #expect(none == [] && invalid.status?.isError == true)
        let (unknown, model) = run("frobnicate")
        #expect(unknown == [] && model.status?.text.hasPrefix("unknown command") == true)
    }

    @Test func commandLineEditing() {
        var model = ConsoleFixture.model()
        _ = ConsoleReducer.reduce(&model, .character(":"))
        _ = type("qx", &model)
        _ = ConsoleReducer.reduce(&model, .backspace)
        #expect(model.mode == .command("q"))
        _ = ConsoleReducer.reduce(&model, .backspace)
        _ = ConsoleReducer.reduce(&model, .backspace)
        #expect(model.mode == .normal)
        _ = ConsoleReducer.reduce(&model, .character(":"))
        #expect(ConsoleReducer.reduce(&model, .escape) == [] && model.mode == .normal)
    }

    @Test func readOnlyRefusesEveryMutatingKeyAndCommand() {
        for pane in Pane.allCases {
            var model = ConsoleFixture.model(pane: pane, readOnly: true)
            for key in ["a", "d"] {
                #expect(ConsoleReducer.reduce(&model, .character(Character(key))) == [])
                #expect(model.mode == .normal)
            }
        }
        var dkim = ConsoleFixture.model(pane: .dkim, readOnly: true)
        #expect(ConsoleReducer.reduce(&dkim, .character("r")) == [])
        #expect(dkim.status?.text.hasPrefix("read-only") == true)
        for line in ["sender add a@b.co", "sender delete app@example.com", "suppress x@y.org"] {
            var model = ConsoleFixture.model(readOnly: true)
            var effects = ConsoleReducer.reduce(&model, .character(":"))
            effects += type(line, &model)
            effects += ConsoleReducer.reduce(&model, .enter)
            #expect(effects.allSatisfy { !$0.isMutating }, "\(line)")
            #expect(model.status?.text.hasPrefix("read-only") == true)
        }
    }

    @Test func outcomesShowOnTheStatusLine() {
        var model = ConsoleFixture.model()
        model.receive(.done("approved sender a@b.co"))
        #expect(model.status == StatusLine("approved sender a@b.co"))
        model.receive(.failed("a@b.co is already an approved sender"))
        #expect(model.status?.isError == true)
    }
}
