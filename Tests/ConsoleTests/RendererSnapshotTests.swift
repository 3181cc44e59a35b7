@testable import Console
import EnvoiCore
import Foundation
import Testing

/// Every pane at 80×24 and 120×40 from fixed models, compared line by line with the frames kept
/// in Snapshots/. `CONSOLE_RECORD_SNAPSHOTS=1 swift test --filter ConsoleTests` rewrites them
/// (then read the diff before committing).
@Suite struct RendererSnapshotTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var model: ConsoleModel
        var width: Int
        var height: Int
        var testDescription: String { "\(name) \(width)x\(height)" }
    }

    static let paneCases: [Case] = Pane.allCases.flatMap { pane in
        [(80, 24), (120, 40)].map { Case(name: pane.title.lowercased(), model: ConsoleFixture.model(pane: pane), width: $0.0, height: $0.1) }
    }

    static let stateCases: [Case] = {
        var cases: [Case] = []
        var help = ConsoleFixture.model(pane: .senders)
        help.mode = .help
        cases.append(Case(name: "help", model: help, width: 80, height: 24))
        var readOnlyHelp = ConsoleFixture.model(pane: .senders, readOnly: true)
        readOnlyHelp.mode = .help
        cases.append(Case(name: "help-read-only", model: readOnlyHelp, width: 80, height: 24))
        cases.append(Case(name: "too-small", model: ConsoleFixture.model(), width: 79, height: 24))
        var why = ConsoleFixture.model(pane: .suppressions)
        why.detailOpen = true
        cases.append(Case(name: "suppression-why", model: why, width: 80, height: 24))
        var message = ConsoleFixture.model(pane: .mail)
        message.detailOpen = true
        message.receive(.mailMessage(ConsoleFixture.message))
        cases.append(Case(name: "mail-message", model: message, width: 80, height: 24))
        var adding = ConsoleFixture.model(pane: .senders)
        adding.mode = .add(AddForm(kind: .sender, text: "not-an-address"))
        cases.append(Case(name: "sender-add-invalid", model: adding, width: 80, height: 24))
        var confirming = ConsoleFixture.model(pane: .suppressions)
        _ = ConsoleReducer.reduce(&confirming, .character("d"))
        cases.append(Case(name: "suppression-confirm", model: confirming, width: 80, height: 24))
        cases.append(Case(name: "senders-read-only", model: ConsoleFixture.model(pane: .senders, readOnly: true), width: 80, height: 24))
        var paused = ConsoleFixture.model(pane: .activity)
        _ = ConsoleReducer.reduce(&paused, .character("p"))
        _ = ConsoleReducer.reduce(&paused, .character("/"))
        _ = ConsoleReducer.reduce(&paused, .character("j"))
        cases.append(Case(name: "activity-paused-filtered", model: paused, width: 80, height: 24))
        var selectedDkim = ConsoleFixture.model(pane: .dkim)
        _ = ConsoleReducer.reduce(&selectedDkim, .character("j"))
        cases.append(Case(name: "dkim-needs-attention", model: selectedDkim, width: 80, height: 24))
        var empty = ConsoleModel()
        empty.pane = .overview
        cases.append(Case(name: "overview-waiting", model: empty, width: 80, height: 24))
        return cases
    }()

    @Test(arguments: paneCases + stateCases)
    func frameMatchesSnapshot(_ testCase: Case) throws {
        let frame = Renderer.render(testCase.model, width: testCase.width, height: testCase.height)
        #expect(frame.lines.count == testCase.height)
        for line in frame.lines { #expect(DisplayWidth.of(line) <= testCase.width, "line overflows: \(line)") }
        let text = frame.lines.joined(separator: "\n") + "\n"
        let file = Self.directory.appendingPathComponent("\(testCase.name)-\(testCase.width)x\(testCase.height).txt")
        if ProcessInfo.processInfo.environment["CONSOLE_RECORD_SNAPSHOTS"] != nil {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, (want, got)) in zip(expectedLines, actualLines).enumerated() {
            #expect(want == got, "line \(index + 1) of \(file.lastPathComponent)")
        }
        #expect(expectedLines.count == actualLines.count)
    }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
}
