import EnvoiCore
import Foundation

/// The rows each list pane shows after its `/` filter, and the selection kept inside them.
extension ConsoleModel {
    /// The current `/` filter of `pane`, lower-cased.
    func filter(_ pane: Pane) -> String { (filters[pane] ?? "").lowercased() }

    /// The senders the `/` filter matches (by address).
    public var visibleSenders: [SenderRow] {
        let filter = filter(.senders)
        return filter.isEmpty ? senders : senders.filter { $0.address.lowercased().contains(filter) }
    }

    /// The domains the `/` filter matches (by name).
    public var visibleDomains: [DomainRow] {
        let filter = filter(.domains)
        return filter.isEmpty ? domains : domains.filter { $0.name.contains(filter) }
    }

    /// The keys the `/` filter matches (by selector or domain).
    public var visibleDkimKeys: [DkimKeyRow] {
        let filter = filter(.dkim)
        return filter.isEmpty ? dkimKeys : dkimKeys.filter { "\($0.key.name) \($0.domain)".lowercased().contains(filter) }
    }

    /// The events on screen: frozen while paused, filtered by `/`.
    public var visibleActivity: [ActivityEvent] {
        let filter = filter(.activity)
        let events = activity.frozen ?? activity.merged
        return filter.isEmpty ? events : events.filter { $0.searchText.contains(filter) }
    }

    /// The captured messages the `/` filter matches (by sender or recipient).
    public var visibleMail: [MailItem] {
        let filter = filter(.mail)
        return filter.isEmpty ? mail : mail.filter { ([$0.sender] + $0.recipients).joined(separator: " ").lowercased().contains(filter) }
    }

    /// The number of rows of `pane` (0 for the Overview).
    public func rowCount(_ pane: Pane) -> Int {
        switch pane {
        case .overview: 0
        case .senders: visibleSenders.count
        case .domains: visibleDomains.count
        case .dkim: visibleDkimKeys.count
        case .suppressions: suppressions.items.count
        case .activity: visibleActivity.count
        case .mail: visibleMail.count
        }
    }

    /// The selected row of `pane`, kept inside its rows.
    public func selected(_ pane: Pane) -> Int {
        min(max(0, selection[pane] ?? 0), max(0, rowCount(pane) - 1))
    }

    var selectedSender: SenderRow? { visibleSenders.element(at: selected(.senders)) }
    var selectedDkimKey: DkimKeyRow? { visibleDkimKeys.element(at: selected(.dkim)) }
    var selectedSuppression: Suppression? { suppressions.items.element(at: selected(.suppressions)) }
    var selectedMail: MailItem? { visibleMail.element(at: selected(.mail)) }

    /// Applies data or an outcome from the core.
    public mutating func receive(_ update: ConsoleUpdate) {
        switch update {
        case .statistics(let snapshot): statistics = snapshot
        case .senders(let rows): senders = rows
        case .domains(let rows): domains = rows
        case .dkimKeys(let rows): dkimKeys = rows
        case .suppressions(let page):
            // A page asked for before the filter or page changed again is stale.
            guard page.request == suppressions.request else { return }
            suppressions.items = page.items
            suppressions.nextPage = page.nextPage
            suppressions.loaded = true
        case .activity(let events): activity.events = events
        case .refusals(let refusals):
            activity.refusals = Array((refusals + activity.refusals).prefix(Self.refusalsKept))
        case .mail(let items):
            // New mail arrives at the top: keep the cursor, and an open message, on the same message.
            let current = selectedMail?.id
            mail = items
            if let current, let index = visibleMail.firstIndex(where: { $0.id == current }) { selection[.mail] = index }
        case .mailMessage(let message): mailMessage = message
        case .done(let text): status = StatusLine(text)
        case .failed(let text): status = StatusLine(text, isError: true)
        }
        for pane in Pane.allCases where selection[pane] != nil { selection[pane] = selected(pane) }
    }

    /// Refusals kept for the Activity pane.
    static let refusalsKept = 200
}

extension Array {
    /// The element at `index`, or nil when out of range.
    func element(at index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
