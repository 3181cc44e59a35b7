/// The `?` overlay: every key, in a box over the pane (mutating keys hidden in read-only).
extension Renderer {
    /// The keys and what they do; `mutating` lines are left out in read-only.
    static let keys: [(key: String, action: String, mutating: Bool)] = [
        ("1-7 Tab S-Tab", "switch pane", false),
        ("j k  ↓ ↑", "move the selection", false),
        ("PgDn PgUp", "page (Suppressions: next/previous page from the store)", false),
        ("g G  Home End", "first / last row", false),
        ("/", "filter (Suppressions: address prefix)", false),
        ("R", "Suppressions: next reason filter", false),
        ("Enter", "detail (Suppressions: why; Mail: the message)", false),
        ("Esc", "back / clear the filter", false),
        ("p", "Activity: pause or resume the tail", false),
        ("r", "DKIM: recheck DNS now; elsewhere reload", true),
        ("a", "add a sender, suppression or DKIM key", true),
        ("d", "delete a sender / lift a suppression (asks y/n)", true),
        (":", "command: :sender add A  :sender delete A  :suppress A  :q", false),
        ("?", "this help (any key closes it)", false),
        ("q", "quit (stops Envoi gracefully)", false),
    ]

    static func help(_ model: ConsoleModel, _ buffer: inout CellBuffer, _ area: Area) {
        let lines = keys.filter { !(model.readOnly && $0.mutating) }
            .map { DisplayWidth.pad($0.key, to: 15) + $0.action }
        let width = min(area.width - 4, (lines.map(DisplayWidth.of).max() ?? 0) + 4)
        let height = min(area.height, lines.count + 4)
        let left = (area.width - width) / 2
        let top = area.top + max(0, (area.height - height) / 2)
        for y in top..<(top + height) {
            buffer.write(String(repeating: " ", count: width), x: left, y: y, role: .input)
        }
        buffer.write("┌" + String(repeating: "─", count: width - 2) + "┐", x: left, y: top, role: .accent)
        buffer.write(" Keys ", x: left + 2, y: top, role: .accent)
        for y in (top + 1)..<(top + height - 1) {
            buffer.write("│", x: left, y: y, role: .accent)
            buffer.write("│", x: left + width - 1, y: y, role: .accent)
        }
        buffer.write("└" + String(repeating: "─", count: width - 2) + "┘", x: left, y: top + height - 1, role: .accent)
        for (index, line) in lines.prefix(height - 4).enumerated() {
            buffer.write(line, x: left + 2, y: top + 2 + index, maxWidth: width - 4, role: .input)
        }
    }
}
