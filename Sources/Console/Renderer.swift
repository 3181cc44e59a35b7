/// Draws a `ConsoleModel` into a `CellBuffer` of a given size: the tab bar, the pane, the
/// status or input line and the key hints. Pure: snapshot-tested without a terminal.
public enum Renderer {
    /// The smallest terminal the console draws in; below it says so instead.
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    /// The first row of a pane's content and the rows under it left for the two bottom lines.
    static let contentTop = 2

    /// The frame of `model` at `width` × `height`.
    public static func render(_ model: ConsoleModel, width: Int, height: Int) -> CellBuffer {
        var buffer = CellBuffer(width: width, height: height)
        guard width >= minimumWidth, height >= minimumHeight else {
            tooSmall(&buffer)
            return buffer
        }
        tabs(model, &buffer)
        let area = Area(top: contentTop, height: height - contentTop - 2, width: width)
        switch model.pane {
        case .overview: overview(model, &buffer, area)
        case .senders: senders(model, &buffer, area)
        case .domains: domains(model, &buffer, area)
        case .dkim: dkim(model, &buffer, area)
        case .suppressions: suppressions(model, &buffer, area)
        case .activity: activity(model, &buffer, area)
        case .mail: mail(model, &buffer, area)
        }
        if model.mode == .help { help(model, &buffer, area) }
        bottomLines(model, &buffer)
        return buffer
    }

    /// The rows a pane may draw in.
    struct Area {
        var top: Int
        var height: Int
        var width: Int
        var bottom: Int { top + height }
    }

    private static func tooSmall(_ buffer: inout CellBuffer) {
        let lines = ["Terminal too small: \(buffer.width)×\(buffer.height)",
                     "Envoi's console needs at least \(minimumWidth)×\(minimumHeight).", "Enlarge the window, or press q to quit."]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (index, line) in lines.enumerated() {
            let x = max(0, (buffer.width - DisplayWidth.of(line)) / 2)
            buffer.write(line, x: x, y: top + index, role: index == 0 ? .warning : .normal)
        }
    }

    private static func tabs(_ model: ConsoleModel, _ buffer: inout CellBuffer) {
        buffer.paint(y: 0, role: .tab)
        var x = buffer.write(" envoi ", x: 0, y: 0, role: .title) + 1
        // " 1 Overview" … " 7 Mail" fit in 80 columns with the title.
        for pane in Pane.allCases {
            x += buffer.write(" \(pane.rawValue) \(pane.title)", x: x, y: 0, role: pane == model.pane ? .activeTab : .tab)
        }
        if model.readOnly {
            let label = " read-only "
            buffer.write(label, x: buffer.width - DisplayWidth.of(label), y: 1, role: .warning)
        }
    }

    /// A pane's heading on row 1 (the read-only mark, when shown, keeps the right end).
    static func heading(_ text: String, _ buffer: inout CellBuffer, readOnly: Bool = false) {
        buffer.write(" " + text, x: 0, y: 1, maxWidth: buffer.width - (readOnly ? 12 : 0), role: .header)
    }

    private static func bottomLines(_ model: ConsoleModel, _ buffer: inout CellBuffer) {
        let y = buffer.height - 2
        switch model.mode {
        case .filter(let text):
            buffer.write(model.pane == .suppressions ? "/ address prefix: \(text)_" : "/ \(text)_", x: 0, y: y, role: .input)
        case .command(let text):
            buffer.write(":\(text)_", x: 0, y: y, role: .input)
        case .add(let form):
            let used = buffer.write(form.prompt + form.text + "_", x: 0, y: y, role: .input)
            let verdict = form.error.map { "  ✗ \($0)" } ?? "  ✓ Enter to add, Esc to cancel"
            buffer.write(verdict, x: used, y: y, role: form.error == nil ? .ok : .error)
        case .confirm(let confirmation):
            buffer.write(confirmation.prompt, x: 0, y: y, role: .warning)
        case .normal, .help:
            if let status = model.status { buffer.write(" " + status.text, x: 0, y: y, role: status.isError ? .error : .ok) }
        }
        buffer.paint(y: buffer.height - 1, role: .statusBar)
        let hints = hints(model)
        let spaced = " " + hints.joined(separator: "  ")
        buffer.write(DisplayWidth.of(spaced) <= buffer.width ? spaced : " " + hints.joined(separator: " "), x: 0, y: buffer.height - 1,
                     role: .statusBar)
    }

    /// The key hints of the bottom line for the current pane (mutating keys hidden in read-only).
    static func hints(_ model: ConsoleModel) -> [String] {
        var hints = ["?:help", "q:quit", "1-7/Tab:panes"]
        if model.detailOpen { return hints + ["Esc:back"] }
        if model.pane == .suppressions { return hints + ["/:prefix", "R:reason", "PgDn/PgUp:page", "Enter:why"] + (model.readOnly ? [] : ["a:add", "d:lift"]) }
        if model.pane != .overview { hints += ["j/k:move", "/:filter", "Enter:detail"] }
        switch model.pane {
        case .senders where !model.readOnly: hints += ["a:add", "d:delete"]
        case .dkim where !model.readOnly: hints += ["a:new key", "r:recheck"]
        case .domains where !model.readOnly: hints += ["a:new DKIM key"]
        case .activity: hints += [model.activity.paused ? "p:resume" : "p:pause"]
        default: break
        }
        return hints + [":cmd"]
    }
}
