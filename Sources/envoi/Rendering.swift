import EnvoiCore
import EnvoiStore
import Foundation

/// How a control-plane value shows as a table row (lists) and as fields (get).
protocol Renderable: Encodable {
    static var headers: [String] { get }
    var cells: [String] { get }
}

extension Renderable {
    /// Every header with its cell, for `get`.
    var fields: [(String, String)] { Array(zip(Self.headers, cells)) }
}

extension Output {
    /// Prints a list of values as a table or a JSON array.
    static func list<T: Renderable>(_ values: [T], as format: OutputFormat) throws {
        try emit(values, as: format) { table(T.headers, $0.map(\.cells)) }
    }

    /// Prints one value as fields or a JSON object.
    static func one<T: Renderable>(_ value: T, as format: OutputFormat) throws {
        try emit(value, as: format) { fields($0.fields) }
    }
}

private func time(_ date: Date) -> String { Output.timestamp(date) }

extension Compartment: Renderable {
    static let headers = ["ID", "NAME", "PARENT", "STATE", "CREATED", "DESCRIPTION"]
    var cells: [String] { [id.rawValue, name, compartmentId?.rawValue ?? "-", lifecycleState.rawValue, time(timeCreated), description] }
}

extension User: Renderable {
    static let headers = ["ID", "NAME", "STATE", "CREATED", "DESCRIPTION"]
    var cells: [String] { [id.rawValue, name, lifecycleState.rawValue, time(timeCreated), description] }
}

extension Group: Renderable {
    static let headers = ["ID", "NAME", "STATE", "CREATED", "DESCRIPTION"]
    var cells: [String] { [id.rawValue, name, lifecycleState.rawValue, time(timeCreated), description] }
}

extension Policy: Renderable {
    static let headers = ["ID", "NAME", "COMPARTMENT", "CREATED", "STATEMENTS"]
    var cells: [String] { [id.rawValue, name, compartmentId.rawValue, time(timeCreated), statements.joined(separator: " | ")] }
}

extension SmtpCredential: Renderable {
    static let headers = ["ID", "USERNAME", "USER", "STATE", "CREATED", "DESCRIPTION"]
    var cells: [String] { [id.rawValue, username, userId.rawValue, lifecycleState.rawValue, time(timeCreated), description] }
}

extension EmailDomain: Renderable {
    static let headers = ["ID", "NAME", "COMPARTMENT", "STATE", "ACTIVE DKIM", "SPF", "CREATED"]
    var cells: [String] {
        [id.rawValue, name, compartmentId.rawValue, lifecycleState.rawValue, activeDkimId?.rawValue ?? "-", isSpf ? "yes" : "no", time(timeCreated)]
    }
}

extension Sender: Renderable {
    static let headers = ["ID", "EMAIL", "COMPARTMENT", "STATE", "SPF", "CREATED"]
    var cells: [String] { [id.rawValue, emailAddress, compartmentId.rawValue, lifecycleState.rawValue, isSpf ? "yes" : "no", time(timeCreated)] }
}

extension Suppression: Renderable {
    static let headers = ["ID", "EMAIL", "REASON", "CREATED", "LAST SUPPRESSED", "MESSAGE ID", "ERROR SOURCE", "ERROR DETAIL"]
    var cells: [String] {
        [id.rawValue, emailAddress, reason.rawValue, time(timeCreated), time(timeLastSuppressed), messageId ?? "-", errorSource ?? "-", errorDetail ?? "-"]
    }
}
