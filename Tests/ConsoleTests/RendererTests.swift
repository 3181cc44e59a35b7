@testable import Console
import EnvoiCore
import Foundation
import Testing

/// What snapshots of text cannot show: colour roles, and width-aware drawing.
@Suite struct RendererTests {
    func gaugeRole(minuteUsage: Int) -> CellRole {
        var model = ConsoleFixture.model()
        var stats = ConsoleFixture.statistics
        stats.minuteUsage = minuteUsage
        model.receive(.statistics(stats))
        let frame = Renderer.render(model, width: 80, height: 24)
        let row = Array(frame.row(3))
        return row.first { $0.character == "█" }?.role ?? .normal
    }

    @Test func gaugesTurnYellowAtSeventyAndRedAtNinetyPercent() {
        #expect(gaugeRole(minuteUsage: 69) == .ok)
        #expect(gaugeRole(minuteUsage: 70) == .warning)
        #expect(gaugeRole(minuteUsage: 89) == .warning)
        #expect(gaugeRole(minuteUsage: 90) == .danger)
    }

    @Test func needsAttentionIsHighlighted() {
        let frame = Renderer.render(ConsoleFixture.model(pane: .dkim), width: 120, height: 40)
        let line = frame.lines.firstIndex { $0.contains("rotate-2027") && $0.contains("NEEDS_ATTENTION") }!
        let column = frame.lines[line].distance(from: frame.lines[line].startIndex, to: frame.lines[line].range(of: "NEEDS_ATTENTION")!.lowerBound)
        #expect(frame[x: column, y: line].role == .danger)
    }

    @Test func wideCharactersTakeTwoColumnsAndTruncateByColumns() {
        var buffer = CellBuffer(width: 10, height: 1)
        let used = buffer.write("用户@例子.广告", x: 0, y: 0, maxWidth: 9)
        #expect(used == 8)
        #expect(buffer.lines == ["用户@例…"])
        #expect(buffer[x: 1, y: 0].isContinuation)
        #expect(DisplayWidth.of("josé") == 4)
        #expect(DisplayWidth.of("e\u{301}") == 1)
    }

    @Test func wrapWordsBreaksAtSpacesAndHardWrapsLongWords() {
        #expect(DisplayWidth.wrapWords("the quick brown fox", to: 10) == ["the quick", "brown fox"])
        #expect(DisplayWidth.wrapWords("abcdefghijkl xy", to: 5) == ["abcde", "fghij", "kl xy"])
    }

    @Test func theWholeTxtRecordIsShownUncut() {
        let frame = Renderer.render(ConsoleFixture.model(pane: .dkim), width: 80, height: 24)
        let shown = frame.lines.joined().replacingOccurrences(of: " ", with: "")
        #expect(shown.contains(ConsoleFixture.txt.replacingOccurrences(of: " ", with: "")))
    }

    @Test func readOnlyHidesMutatingHints() {
        let writable = Renderer.render(ConsoleFixture.model(pane: .senders), width: 120, height: 40).lines.last!
        let readOnly = Renderer.render(ConsoleFixture.model(pane: .senders, readOnly: true), width: 120, height: 40).lines.last!
        #expect(writable.contains("a:add") && writable.contains("d:delete"))
        #expect(!readOnly.contains("a:add") && !readOnly.contains("d:delete"))
    }
}
