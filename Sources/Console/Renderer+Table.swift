/// A list with a header row, a highlighted selection and scrolling that keeps the selection
/// visible: what every list pane draws.
extension Renderer {
    /// A column: a title and a width in columns (0: shares what the fixed columns leave).
    struct Column {
        var title: String
        var width: Int
        init(_ title: String, _ width: Int = 0) {
            self.title = title
            self.width = width
        }
    }

    /// One row: its cells and its role (the selection overrides it).
    struct TableRow {
        var cells: [String]
        var role: CellRole = .normal
        /// The role of one cell (a state worth highlighting), by column index.
        var cellRoles: [Int: CellRole] = [:]
    }

    /// Draws `rows` under a header in rows `top..<top+height`; returns the rows used.
    @discardableResult
    static func table(_ buffer: inout CellBuffer, top: Int, height: Int, columns: [Column], rows: [TableRow], selected: Int?,
                      empty: String) -> Int {
        let widths = resolve(columns, width: buffer.width - 1)
        var x = 1
        for (column, width) in zip(columns, widths) {
            buffer.write(column.title, x: x, y: top, maxWidth: width, role: .header)
            x += width + 1
        }
        guard !rows.isEmpty else {
            buffer.write(" " + empty, x: 0, y: top + 1, role: .dim)
            return 2
        }
        let visible = max(1, height - 1)
        let first = selected.map { $0 < visible ? 0 : $0 - visible + 1 } ?? 0
        for (offset, row) in rows[first..<min(rows.count, first + visible)].enumerated() {
            let y = top + 1 + offset
            let isSelected = first + offset == selected
            var x = 1
            for (index, (cell, width)) in zip(row.cells, widths).enumerated() {
                buffer.write(cell, x: x, y: y, maxWidth: width, role: isSelected ? .selected : row.cellRoles[index] ?? row.role)
                x += width + 1
            }
            if isSelected { buffer.paint(y: y, role: .selected) }
        }
        if rows.count > visible {
            let label = " \(first + 1)-\(min(rows.count, first + visible)) of \(rows.count) "
            buffer.write(label, x: buffer.width - DisplayWidth.of(label), y: top, role: .dim)
        }
        return 1 + min(rows.count, visible)
    }

    /// Widths of `columns` within `width`: fixed ones as given, the rest shared by the flexible ones.
    static func resolve(_ columns: [Column], width: Int) -> [Int] {
        let fixed = columns.reduce(0) { $0 + $1.width } + max(0, columns.count - 1)
        let flexible = columns.filter { $0.width == 0 }.count
        let share = flexible > 0 ? max(4, (width - fixed) / flexible) : 0
        return columns.map { $0.width == 0 ? share : $0.width }
    }

    /// `key: value` lines for a detail view; long values wrap under themselves.
    static func fields(_ pairs: [(String, String)], _ buffer: inout CellBuffer, top: Int, bottom: Int, roles: [String: CellRole] = [:]) -> Int {
        let labelWidth = (pairs.map { DisplayWidth.of($0.0) }.max() ?? 0) + 2
        var y = top
        for (label, value) in pairs {
            guard y < bottom else { break }
            buffer.write("  " + label, x: 0, y: y, role: .accent)
            for line in DisplayWidth.wrapWords(value, to: buffer.width - labelWidth - 3) {
                guard y < bottom else { break }
                buffer.write(line, x: labelWidth + 2, y: y, role: roles[label] ?? .normal)
                y += 1
            }
        }
        return y
    }
}
