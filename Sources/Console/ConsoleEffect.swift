import EnvoiCore

/// What the reducer asks the outside world to do: the console service runs each one off the
/// terminal thread and posts the outcome back as a `ConsoleUpdate`.
public enum ConsoleEffect: Sendable, Equatable {
    /// Stop the console and, with it, the whole service group (exit status 0).
    case quit
    /// Read the data of a pane again.
    case refresh(Pane)
    case loadSuppressions(SuppressionRequest)
    case loadMailMessage(Int64)
    case addSender(String)
    case deleteSender(OCID, address: String)
    case addSuppression(String)
    case removeSuppression(OCID, address: String)
    case createDkimKey(domain: OCID, name: String)
    case recheckDkim(OCID, selector: String)

    /// Whether the effect changes the control plane (refused in `--read-only`).
    public var isMutating: Bool {
        switch self {
        case .quit, .refresh, .loadSuppressions, .loadMailMessage: false
        case .addSender, .deleteSender, .addSuppression, .removeSuppression, .createDkimKey, .recheckDkim: true
        }
    }
}

/// Data and outcomes arriving from the core, applied to the model with `receive`.
public enum ConsoleUpdate: Sendable, Equatable {
    case statistics(StatisticsSnapshot)
    case senders([SenderRow])
    case domains([DomainRow])
    case dkimKeys([DkimKeyRow])
    case suppressions(SuppressionPageResult)
    case activity([ActivityEvent])
    /// Refusals counted since the previous snapshot (by reason).
    case refusals([ActivityEvent])
    case mail([MailItem])
    case mailMessage(MailMessageText)
    /// An action succeeded (`text` says what it did) or failed (`text` says why).
    case done(String)
    case failed(String)
}

/// A key press, decoded by the terminal.
public enum Key: Sendable, Equatable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
}
