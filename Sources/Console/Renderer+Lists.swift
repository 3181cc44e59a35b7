import EnvoiCore

/// The Senders, Domains, Activity and Mail panes.
extension Renderer {
    static func filterNote(_ model: ConsoleModel, _ pane: Pane) -> String {
        let filter = model.filters[pane] ?? ""
        return filter.isEmpty ? "" : "  ·  filter: \(filter)"
    }

    static func senders(_ model: ConsoleModel, _ buffer: inout CellBuffer, _ area: Area) {
        let rows = model.visibleSenders
        heading("Approved senders: \(rows.count) of \(model.senders.count)\(filterNote(model, .senders))", &buffer, readOnly: model.readOnly)
        if model.detailOpen, let sender = model.selectedSender {
            _ = fields([("Address", sender.address), ("Id", sender.id.rawValue), ("Compartment", sender.compartment),
                        ("State", sender.state), ("SPF", sender.isSpf ? "yes (the domain's SPF includes Envoi)" : "no"),
                        ("Created", ConsoleFormat.full(sender.created))], &buffer, top: area.top, bottom: area.bottom)
            return
        }
        table(&buffer, top: area.top, height: area.height,
              columns: [Column("ADDRESS"), Column("COMPARTMENT", 16), Column("STATE", 8), Column("SPF", 3), Column("CREATED", 16)],
              rows: rows.map { TableRow(cells: [$0.address, $0.compartment, $0.state, $0.isSpf ? "yes" : "no", ConsoleFormat.minute($0.created)]) },
              selected: model.selected(.senders), empty: model.readOnly ? "No approved sender." : "No approved sender: press a to add one.")
    }

    static func domains(_ model: ConsoleModel, _ buffer: inout CellBuffer, _ area: Area) {
        let rows = model.visibleDomains
        heading("Email domains: \(rows.count)\(filterNote(model, .domains))", &buffer, readOnly: model.readOnly)
        if model.detailOpen, let domain = rows.element(at: model.selected(.domains)) {
            let keys = model.dkimKeys.filter { $0.domain == domain.name }.map { "\($0.key.name) \($0.key.lifecycleState.rawValue)" }
            _ = fields([("Name", domain.name), ("Id", domain.id.rawValue), ("State", domain.state),
                        ("Active DKIM key", domain.activeSelector ?? "none: mail from this domain is not sent"),
                        ("DKIM keys", keys.isEmpty ? "none" : keys.joined(separator: ", ")),
                        ("SPF", domain.isSpf ? "includes Envoi" : "does not include Envoi"), ("Created", ConsoleFormat.full(domain.created))],
                       &buffer, top: area.top, bottom: area.bottom)
            return
        }
        table(&buffer, top: area.top, height: area.height,
              columns: [Column("NAME"), Column("STATE", 8), Column("ACTIVE DKIM KEY", 20), Column("SPF", 3), Column("CREATED", 16)],
              rows: rows.map {
                  TableRow(cells: [$0.name, $0.state, $0.activeSelector ?? "none", $0.isSpf ? "yes" : "no", ConsoleFormat.minute($0.created)],
                           cellRoles: $0.activeSelector == nil ? [2: .warning] : [:])
              },
              selected: model.selected(.domains), empty: "No email domain: envoi domain create --name example.com")
    }

    static func activity(_ model: ConsoleModel, _ buffer: inout CellBuffer, _ area: Area) {
        let rows = model.visibleActivity
        let state = model.activity.paused ? "PAUSED" : "live"
        heading("Activity (\(state)): \(rows.count) events\(filterNote(model, .activity))", &buffer, readOnly: model.readOnly)
        if model.activity.paused { buffer.paint(y: 1, x: 11, count: 6, role: .warning) }
        if model.detailOpen, let event = rows.element(at: model.selected(.activity)) {
            _ = fields([("Time", ConsoleFormat.full(event.time)), ("Type", event.type), ("Recipient", event.recipient ?? "-"),
                        ("Sender", event.sender ?? "-"), ("Reply / status", event.status ?? "-"), ("Message-ID", event.messageId ?? "-")],
                       &buffer, top: area.top, bottom: area.bottom)
            return
        }
        // The reply matters most (a 455 is 60 columns): the sender only when there is room.
        let wide = buffer.width >= 140
        let columns = [Column("TIME", 8), Column("TYPE", 10), Column("RECIPIENT", 28)] + (wide ? [Column("SENDER", 28)] : [])
            + [Column("REPLY / STATUS")]
        table(&buffer, top: area.top, height: area.height, columns: columns,
              rows: rows.map { event in
                  let cells = [ConsoleFormat.clock(event.time), event.type, event.recipient ?? "-"] + (wide ? [event.sender ?? "-"] : [])
                  return TableRow(cells: cells + [event.status ?? "-"], cellRoles: [1: role(ofEvent: event.type)])
              },
              selected: model.selected(.activity), empty: "No event yet: send a message.")
    }

    static func role(ofEvent type: String) -> CellRole {
        switch type {
        case "relayed", "accepted": .ok
        case "deferred", "suppressed": .warning
        case "bounced", "rejected", "complaint": .danger
        default: .normal
        }
    }

    static func mail(_ model: ConsoleModel, _ buffer: inout CellBuffer, _ area: Area) {
        let rows = model.visibleMail
        heading("Capture mailbox: \(rows.count) messages\(filterNote(model, .mail))", &buffer, readOnly: model.readOnly)
        if model.detailOpen, let item = model.selectedMail {
            guard let message = model.mailMessage, message.id == item.id else {
                buffer.write(" Loading message \(item.id)…", x: 0, y: area.top, role: .dim)
                return
            }
            // Lines wrap instead of being cut: the DKIM-Signature is shown in full.
            var y = area.top
            var inSignature = false
            for line in message.lines {
                if !line.hasPrefix(" ") && !line.hasPrefix("\t") { inSignature = line.lowercased().hasPrefix("dkim-signature:") }
                for piece in DisplayWidth.wrap(line, to: buffer.width - 2) where y < area.bottom {
                    buffer.write(" " + piece, x: 0, y: y, role: inSignature ? .accent : .normal)
                    y += 1
                }
            }
            return
        }
        table(&buffer, top: area.top, height: area.height,
              columns: [Column("ID", 5), Column("DELIVERED", 16), Column("FROM"), Column("TO"), Column("DKIM", 16), Column("SIZE", 8)],
              rows: rows.map {
                  TableRow(cells: ["\($0.id)", ConsoleFormat.minute($0.delivered), $0.sender, $0.recipients.joined(separator: ","),
                                   $0.dkimSelector ?? "unsigned", ConsoleFormat.size($0.size)],
                           cellRoles: $0.dkimSelector == nil ? [4: .warning] : [:])
              },
              selected: model.selected(.mail), empty: "No captured message (delivery.mode = capture keeps them here).")
    }
}
