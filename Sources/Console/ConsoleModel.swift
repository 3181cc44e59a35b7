import EnvoiCore
import Foundation

/// The panes, in the order of their number keys.
public enum Pane: Int, Sendable, CaseIterable {
    case overview = 1, senders, domains, dkim, suppressions, activity, mail

    /// The tab label.
    public var title: String {
        switch self {
        case .overview: "Overview"
        case .senders: "Senders"
        case .domains: "Domains"
        case .dkim: "DKIM"
        case .suppressions: "Suppressions"
        case .activity: "Activity"
        case .mail: "Mail"
        }
    }
}

/// Everything the console shows, as one `Sendable` value: the renderer draws it, the reducer
/// changes it for a key, and data from the core arrives as `ConsoleUpdate`s applied to it.
public struct ConsoleModel: Sendable, Equatable {
    /// The suppressions page on screen and how it was reached (keyset pagination).
    public struct SuppressionList: Sendable, Equatable {
        /// The page asked for: prefix, reason, page token.
        public var request = SuppressionRequest()
        public var items: [Suppression] = []
        public var nextPage: String?
        /// The tokens of the pages before this one, for PgUp.
        public var previousPages: [String?] = []
        /// Whether a page has arrived since the console started.
        public var loaded = false
    }

    /// The live tail of the Activity pane.
    public struct ActivityTail: Sendable, Equatable {
        /// The newest events of the event log, newest first.
        public var events: [ActivityEvent] = []
        /// Refusals counted live (they are not in the event log), newest first.
        public var refusals: [ActivityEvent] = []
        public var paused = false
        /// The events shown while paused (nil: live).
        public var frozen: [ActivityEvent]?

        /// Events and refusals merged, newest first.
        public var merged: [ActivityEvent] {
            (events + refusals).sorted { ($0.time, $0.id) > ($1.time, $1.id) }
        }
    }

    /// The pane on screen.
    public var pane: Pane = .overview
    /// `--read-only`: every mutating key and command is hidden and refused.
    public var readOnly: Bool
    /// What the keys are typed into: the pane, the help overlay, or the bottom line.
    public var mode: InputMode = .normal
    /// Enter opened the detail of the selected row (Esc closes it).
    public var detailOpen = false
    /// The last outcome of an action, shown on the status line.
    public var status: StatusLine?

    /// The latest snapshot of the live feed (nil until the first arrives).
    public var statistics: StatisticsSnapshot?
    /// The data of each pane as last read from the store.
    public var senders: [SenderRow] = []
    public var domains: [DomainRow] = []
    public var dkimKeys: [DkimKeyRow] = []
    public var suppressions = SuppressionList()
    public var activity = ActivityTail()
    public var mail: [MailItem] = []
    /// The captured message opened with Enter.
    public var mailMessage: MailMessageText?

    /// The selected row of each list pane.
    public var selection: [Pane: Int] = [:]
    /// The `/` filter of each pane (the Suppressions pane's is its address prefix).
    public var filters: [Pane: String] = [:]

    /// A model with no data yet, on the Overview.
    public init(readOnly: Bool = false) {
        self.readOnly = readOnly
    }

    /// The selected row of the current pane.
    public var selectedIndex: Int { selection[pane] ?? 0 }
}

/// What the bottom line is doing: nothing (key hints), or reading text.
public enum InputMode: Sendable, Equatable {
    case normal
    case help
    /// Typing the `/` filter of the current pane.
    case filter(String)
    /// Typing a `:` command.
    case command(String)
    /// Typing the value of an `a` (add) form, validated as it is typed.
    case add(AddForm)
    /// A `d` (delete) waiting for y or n.
    case confirm(Confirmation)
}

/// An add form: what is added, the text typed so far and its validation error (nil: valid).
public struct AddForm: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case sender, suppression, dkimKey
    }

    public var kind: Kind
    public var text: String
    public var error: String?

    public init(kind: Kind, text: String = "") {
        self.kind = kind
        self.text = text
        error = Self.validate(kind, text)
    }

    /// The prompt shown before the text.
    public var prompt: String {
        switch kind {
        case .sender: "New sender address: "
        case .suppression: "Suppress address (MANUAL): "
        case .dkimKey: "New DKIM key for domain: "
        }
    }
}

extension AddForm {
    /// Why `text` is not acceptable for `kind`, or nil: the rules the store applies on commit
    /// (`ControlPlaneRules`), run as the text is typed, so an accepted value is refused only for
    /// a conflict.
    public static func validate(_ kind: Kind, _ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return kind == .dkimKey ? "type a domain name" : "type an address" }
        do {
            switch kind {
            case .sender: _ = try ControlPlaneRules.senderAddress(trimmed)
            case .suppression: _ = try ControlPlaneRules.suppressionAddress(trimmed)
            case .dkimKey: _ = try ControlPlaneRules.emailDomainName(trimmed, field: "domain")
            }
            return nil
        } catch {
            return error.message
        }
    }
}

/// A destructive action waiting for confirmation.
public struct Confirmation: Sendable, Equatable {
    public var prompt: String
    public var effect: ConsoleEffect

    public init(prompt: String, effect: ConsoleEffect) {
        self.prompt = prompt
        self.effect = effect
    }
}

/// The outcome of the last action.
public struct StatusLine: Sendable, Equatable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = false) {
        self.text = text
        self.isError = isError
    }
}
