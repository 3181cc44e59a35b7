import EnvoiCore
import Foundation

/// The keys of the bottom line's text modes: `/` filter, `:` command line, add forms, and the
/// y/n of a confirmation.
extension ConsoleReducer {
    /// Editing `text`: a character appends, Backspace removes the last one. Nil for other keys.
    static func edit(_ text: String, _ key: Key) -> String? {
        switch key {
        case .character(let character): text + String(character)
        case .backspace: String(text.dropLast())
        default: nil
        }
    }

    /// The filter applies as it is typed; Enter keeps it, Esc clears it.
    static func filter(_ model: inout ConsoleModel, _ text: String, _ key: Key) -> [ConsoleEffect] {
        switch key {
        case .enter:
            model.mode = .normal
            return []
        case .escape:
            model.mode = .normal
            return setFilter(&model, "")
        default:
            guard let edited = edit(text, key) else { return [] }
            model.mode = .filter(edited)
            return setFilter(&model, edited)
        }
    }

    static func command(_ model: inout ConsoleModel, _ text: String, _ key: Key) -> [ConsoleEffect] {
        switch key {
        case .enter:
            model.mode = .normal
            return execute(&model, text.trimmingCharacters(in: .whitespaces))
        case .escape:
            model.mode = .normal
        case .backspace where text.isEmpty:
            model.mode = .normal
        default:
            if let edited = edit(text, key) { model.mode = .command(edited) }
        }
        return []
    }

    /// Runs a `:` command: `q`, `sender add ADDRESS`, `sender delete ADDRESS`, `suppress ADDRESS`,
    /// `help`, or a pane's number or name.
    static func execute(_ model: inout ConsoleModel, _ line: String) -> [ConsoleEffect] {
        let words = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let verb = words.first?.lowercased() else { return [] }
        switch (verb, words.count) {
        case ("q", 1), ("quit", 1): return [.quit]
        case ("help", 1):
            model.mode = .help
            return []
        case ("sender", 3) where words[1] == "add": return submit(&model, AddForm(kind: .sender, text: words[2]))
        case ("sender", 3) where words[1] == "delete":
            guard !refusedReadOnly(&model, "deleting") else { return [] }
            guard let sender = model.senders.first(where: { $0.address.lowercased() == words[2].lowercased() }) else {
                model.status = StatusLine("no approved sender \(words[2])", isError: true)
                return []
            }
            return [.deleteSender(sender.id, address: sender.address)]
        case ("suppress", 2): return submit(&model, AddForm(kind: .suppression, text: words[1]))
        default:
            if words.count == 1, let pane = Pane.allCases.first(where: { "\($0.rawValue)" == verb || $0.title.lowercased() == verb }) {
                return show(&model, pane)
            }
            model.status = StatusLine("unknown command: \(line) (see ? for the commands)", isError: true)
            return []
        }
    }

    /// The add form validates every keystroke; Enter submits a valid value only.
    static func add(_ model: inout ConsoleModel, _ form: AddForm, _ key: Key) -> [ConsoleEffect] {
        switch key {
        case .enter:
            guard form.error == nil else { return [] }
            model.mode = .normal
            return submit(&model, form)
        case .escape:
            model.mode = .normal
        default:
            if let edited = edit(form.text, key) { model.mode = .add(AddForm(kind: form.kind, text: edited)) }
        }
        return []
    }

    /// The effect of a filled-in form, or the reason it is refused on the status line.
    static func submit(_ model: inout ConsoleModel, _ form: AddForm) -> [ConsoleEffect] {
        guard !refusedReadOnly(&model, "adding") else { return [] }
        if let error = form.error {
            model.status = StatusLine(error, isError: true)
            return []
        }
        let text = form.text.trimmingCharacters(in: .whitespaces)
        switch form.kind {
        case .sender: return [.addSender(text)]
        case .suppression: return [.addSuppression(text)]
        case .dkimKey:
            guard let domain = model.domains.first(where: { $0.name == text.lowercased() }) else {
                model.status = StatusLine("no email domain \(text)", isError: true)
                return []
            }
            return [.createDkimKey(domain: domain.id, name: domain.name)]
        }
    }

    /// `y` confirms; any other key cancels.
    static func confirm(_ model: inout ConsoleModel, _ confirmation: Confirmation, _ key: Key) -> [ConsoleEffect] {
        model.mode = .normal
        guard key == .character("y") || key == .character("Y") else {
            model.status = StatusLine("cancelled")
            return []
        }
        return [confirmation.effect]
    }
}
