import EnvoiCore

/// The console's keys as a pure function: (model, key) → new model + effects. The terminal
/// thread calls it; the effects run elsewhere. Every key of the help overlay is handled here.
public enum ConsoleReducer {
    /// Rows PgUp/PgDn move in the lists held in memory.
    public static let pageStep = 10

    /// Applies `key` to `model` and returns what must be done outside.
    public static func reduce(_ model: inout ConsoleModel, _ key: Key) -> [ConsoleEffect] {
        switch model.mode {
        case .normal: return normal(&model, key)
        case .help:
            model.mode = .normal
            return []
        case .filter(let text): return filter(&model, text, key)
        case .command(let text): return command(&model, text, key)
        case .add(let form): return add(&model, form, key)
        case .confirm(let confirmation): return confirm(&model, confirmation, key)
        }
    }

    private static func normal(_ model: inout ConsoleModel, _ key: Key) -> [ConsoleEffect] {
        switch key {
        case .character("q"): return [.quit]
        case .character("?"): model.mode = .help
        case .character(":"): model.mode = .command("")
        case .character("/") where model.pane != .overview: model.mode = .filter(model.filters[model.pane] ?? "")
        case .character(let digit) where digit.wholeNumberValue.flatMap(Pane.init(rawValue:)) != nil:
            return show(&model, Pane(rawValue: digit.wholeNumberValue!)!)
        case .tab: return show(&model, Pane(rawValue: model.pane.rawValue % Pane.allCases.count + 1)!)
        case .backTab: return show(&model, Pane(rawValue: (model.pane.rawValue + Pane.allCases.count - 2) % Pane.allCases.count + 1)!)
        case .character("j"), .down: return move(&model, by: 1)
        case .character("k"), .up: return move(&model, by: -1)
        case .pageDown: return page(&model, forward: true)
        case .pageUp: return page(&model, forward: false)
        case .character("g"), .home: model.selection[model.pane] = 0
        case .character("G"), .end: model.selection[model.pane] = max(0, model.rowCount(model.pane) - 1)
        case .enter: return openDetail(&model)
        case .escape: return back(&model)
        case .character("a"): return startAdd(&model)
        case .character("d"): return startDelete(&model)
        case .character("r"): return recheckOrRefresh(&model)
        case .character("R") where model.pane == .suppressions: return cycleReason(&model)
        case .character("p") where model.pane == .activity:
            model.activity.paused.toggle()
            model.activity.frozen = model.activity.paused ? model.activity.merged : nil
        default: break
        }
        return []
    }

    /// Switches to `pane` and asks for its data.
    static func show(_ model: inout ConsoleModel, _ pane: Pane) -> [ConsoleEffect] {
        model.pane = pane
        model.detailOpen = false
        model.mode = .normal
        if pane == .suppressions { return [.loadSuppressions(model.suppressions.request)] }
        return pane == .overview ? [] : [.refresh(pane)]
    }

    private static func move(_ model: inout ConsoleModel, by delta: Int) -> [ConsoleEffect] {
        let count = model.rowCount(model.pane)
        model.selection[model.pane] = min(max(0, model.selected(model.pane) + delta), max(0, count - 1))
        return []
    }

    /// PgUp/PgDn: the Suppressions pane reads the next or previous page from the store; the
    /// other lists move the selection by a page.
    private static func page(_ model: inout ConsoleModel, forward: Bool) -> [ConsoleEffect] {
        guard model.pane == .suppressions else { return move(&model, by: forward ? pageStep : -pageStep) }
        var list = model.suppressions
        if forward {
            guard let next = list.nextPage else { return [] }
            list.previousPages.append(list.request.page)
            list.request.page = next
        } else {
            guard let previous = list.previousPages.popLast() else { return [] }
            list.request.page = previous
        }
        model.suppressions = list
        model.selection[.suppressions] = 0
        return [.loadSuppressions(list.request)]
    }

    private static func openDetail(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        guard model.rowCount(model.pane) > 0 else { return [] }
        model.detailOpen = true
        if model.pane == .mail, let item = model.selectedMail {
            model.mailMessage = nil
            return [.loadMailMessage(item.id)]
        }
        return []
    }

    /// Esc: closes the detail, else clears the pane's filter.
    private static func back(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        if model.detailOpen {
            model.detailOpen = false
            return []
        }
        model.status = nil
        guard !(model.filters[model.pane] ?? "").isEmpty else { return [] }
        return setFilter(&model, "")
    }

    /// Sets the `/` filter of the current pane (the Suppressions pane reads the first page of the new prefix).
    static func setFilter(_ model: inout ConsoleModel, _ text: String) -> [ConsoleEffect] {
        model.filters[model.pane] = text
        model.selection[model.pane] = 0
        guard model.pane == .suppressions else { return [] }
        model.suppressions.request = SuppressionRequest(prefix: text, reason: model.suppressions.request.reason)
        model.suppressions.previousPages = []
        return [.loadSuppressions(model.suppressions.request)]
    }

    /// `R` in Suppressions: all reasons → HARDBOUNCE → … → all.
    private static func cycleReason(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        let reasons: [SuppressionReason?] = [nil] + SuppressionReason.allCases
        let current = reasons.firstIndex(of: model.suppressions.request.reason) ?? 0
        model.suppressions.request = SuppressionRequest(prefix: model.suppressions.request.prefix, reason: reasons[(current + 1) % reasons.count])
        model.suppressions.previousPages = []
        model.selection[.suppressions] = 0
        return [.loadSuppressions(model.suppressions.request)]
    }

    private static func startAdd(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        let kind: AddForm.Kind
        var text = ""
        switch model.pane {
        case .senders: kind = .sender
        case .suppressions: kind = .suppression
        case .dkim, .domains:
            kind = .dkimKey
            text = model.pane == .domains ? model.visibleDomains.element(at: model.selected(.domains))?.name ?? ""
                : model.selectedDkimKey?.domain ?? model.domains.first?.name ?? ""
        default: return []
        }
        guard !refusedReadOnly(&model, "adding") else { return [] }
        model.mode = .add(AddForm(kind: kind, text: text))
        return []
    }

    private static func startDelete(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        let confirmation: Confirmation
        switch model.pane {
        case .senders:
            guard let sender = model.selectedSender else { return [] }
            confirmation = Confirmation(prompt: "Delete sender \(sender.address)? (y/n)", effect: .deleteSender(sender.id, address: sender.address))
        case .suppressions:
            guard let entry = model.selectedSuppression else { return [] }
            confirmation = Confirmation(prompt: "Lift the suppression of \(entry.emailAddress)? (y/n)",
                                        effect: .removeSuppression(entry.id, address: entry.emailAddress))
        default: return []
        }
        guard !refusedReadOnly(&model, "deleting") else { return [] }
        model.mode = .confirm(confirmation)
        return []
    }

    /// `r`: rechecks the selected DKIM key's DNS now; elsewhere reads the pane's data again.
    private static func recheckOrRefresh(_ model: inout ConsoleModel) -> [ConsoleEffect] {
        guard model.pane == .dkim else { return show(&model, model.pane) }
        guard let row = model.selectedDkimKey, !refusedReadOnly(&model, "rechecking") else { return [] }
        model.status = StatusLine("checking \(row.key.dnsSubdomainName)…")
        return [.recheckDkim(row.key.id, selector: row.key.name)]
    }

    /// In `--read-only`, says so on the status line and returns true.
    static func refusedReadOnly(_ model: inout ConsoleModel, _ action: String) -> Bool {
        guard model.readOnly else { return false }
        model.status = StatusLine("read-only: \(action) is disabled (started with --read-only)", isError: true)
        return true
    }
}
