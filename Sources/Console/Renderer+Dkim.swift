import EnvoiCore

/// The DKIM keys pane: the keys, NEEDS_ATTENTION highlighted, and for the selected key its
/// diagnosis and the CNAME and TXT records to publish, in full (wrapped, never cut).
extension Renderer {
    static func dkim(_ model: ConsoleModel, _ buffer: inout CellBuffer, _ area: Area) {
        let rows = model.visibleDkimKeys
        let attention = rows.filter { $0.key.lifecycleState == .needsAttention }.count
        heading("DKIM keys: \(rows.count)" + (attention > 0 ? "  ·  \(attention) NEED ATTENTION" : "") + filterNote(model, .dkim), &buffer, readOnly: model.readOnly)
        let selected = model.selected(.dkim)
        var top = area.top
        if !model.detailOpen {
            let listHeight = min(rows.count + 1, max(3, area.height / 3))
            table(&buffer, top: top, height: listHeight,
                  columns: [Column("SELECTOR", 22), Column("DOMAIN"), Column("ALGORITHM", 10), Column("STATE", 15)],
                  rows: rows.map { row in
                      TableRow(cells: [row.key.name, row.domain, row.key.algorithm, row.key.lifecycleState.rawValue],
                               cellRoles: [3: role(of: row.key.lifecycleState)])
                  },
                  selected: selected, empty: model.readOnly ? "No DKIM key." : "No DKIM key: press a to create one for a domain.")
            top += max(listHeight, 2) + 1
        }
        guard let row = rows.element(at: selected) else { return }
        records(row, &buffer, top: top, bottom: area.bottom)
    }

    static func role(of state: DkimLifecycleState) -> CellRole {
        switch state {
        case .active: .ok
        case .needsAttention, .failed: .danger
        case .creating, .updating: .warning
        default: .dim
        }
    }

    /// The selected key's state, diagnosis and the two ways to publish it.
    private static func records(_ row: DkimKeyRow, _ buffer: inout CellBuffer, top: Int, bottom: Int) {
        let key = row.key
        let width = buffer.width - 4
        var y = top
        buffer.write(" \(key.name) of \(row.domain): ", x: 0, y: y, role: .accent)
        buffer.write(key.lifecycleState.rawValue, x: DisplayWidth.of(" \(key.name) of \(row.domain): "), y: y, role: role(of: key.lifecycleState))
        y += 1
        var lines: [(String, CellRole)] = []
        for line in DisplayWidth.wrapWords(key.lifecycleDetails ?? "No diagnosis yet: press r to check DNS now.", to: width) {
            lines.append((line, key.lifecycleState == .needsAttention ? .danger : .normal))
        }
        lines.append(("Publish ONE of these in the zone of \(row.domain):", .accent))
        lines.append(("CNAME (preferred):", .header))
        lines += DisplayWidth.wrap(row.cnameRecord, to: width).map { ($0, .normal) }
        lines.append(("TXT at \(key.dnsSubdomainName).:", .header))
        lines += DisplayWidth.wrap(key.txtRecordValue, to: width).map { ($0, .normal) }
        for (text, role) in lines where y < bottom {
            buffer.write("  " + text, x: 0, y: y, role: role)
            y += 1
        }
    }
}
