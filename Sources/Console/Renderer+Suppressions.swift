import EnvoiCore

/// The Suppressions pane: one page read from the store (keyset pagination by address), its
/// filters, and the detail that answers "why is this address suppressed".
extension Renderer {
    static func suppressions(_ model: ConsoleModel, _ buffer: inout CellBuffer, _ area: Area) {
        let list = model.suppressions
        let prefix = list.request.prefix.isEmpty ? "any" : list.request.prefix + "…"
        heading("Suppressions  ·  prefix: \(prefix)  ·  reason: \(list.request.reason?.rawValue ?? "all")  ·  page \(list.previousPages.count + 1)"
                + (list.nextPage == nil ? "" : " (more: PgDn)"), &buffer, readOnly: model.readOnly)
        if model.detailOpen, let entry = model.selectedSuppression {
            why(entry, &buffer, area)
            return
        }
        let wide = buffer.width >= 100
        let columns = [Column("ADDRESS"), Column("REASON", 11), Column("CREATED", 16), Column("LAST SUPPRESSED", 16)]
            + (wide ? [Column("ERROR DETAIL")] : [])
        table(&buffer, top: area.top, height: area.height, columns: columns,
              rows: list.items.map { entry in
                  TableRow(cells: [entry.emailAddress, entry.reason.rawValue, ConsoleFormat.minute(entry.timeCreated),
                                   ConsoleFormat.minute(entry.timeLastSuppressed)] + (wide ? [entry.errorDetail ?? "-"] : []),
                           cellRoles: [1: entry.reason == .manual ? .accent : .warning])
              },
              selected: model.selected(.suppressions), empty: list.loaded ? "No suppressed address matches." : "Loading…")
    }

    /// What each reason means for the operator.
    static func explanation(_ reason: SuppressionReason) -> String {
        switch reason {
        case .hardBounce: "A delivery got a permanent failure (5xx): the receiving server refused the mailbox. Envoi no longer sends to it, to protect the sender's reputation."
        case .softBounce: "Deliveries got temporary failures (4xx) too many times in a row, or expired in the queue."
        case .complaint: "The recipient reported a message as spam (a feedback report)."
        case .manual: "An operator added it (console, CLI or API)."
        case .unsubscribe: "The recipient unsubscribed."
        case .unknown: "The source of the suppression did not say why."
        }
    }

    private static func why(_ entry: Suppression, _ buffer: inout CellBuffer, _ area: Area) {
        buffer.write(" Why is \(entry.emailAddress) suppressed?", x: 0, y: area.top, role: .accent)
        var y = area.top + 2
        for line in DisplayWidth.wrapWords(explanation(entry.reason), to: buffer.width - 4) where y < area.bottom {
            buffer.write("  " + line, x: 0, y: y)
            y += 1
        }
        _ = fields([("Reason", entry.reason.rawValue), ("Error detail", entry.errorDetail ?? "-"), ("Error source", entry.errorSource ?? "-"),
                    ("Message-ID", entry.messageId ?? "-"), ("Created", ConsoleFormat.full(entry.timeCreated)),
                    ("Last suppressed", ConsoleFormat.full(entry.timeLastSuppressed)), ("Id", entry.id.rawValue)],
                   &buffer, top: y + 1, bottom: area.bottom, roles: ["Reason": .warning])
    }
}
