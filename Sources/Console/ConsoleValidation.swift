import EnvoiCore
import Foundation

/// Inline validation of add forms, as typed: the same rules the store applies on commit
/// (`ControlPlaneRules`), so a value the form accepts is refused only for a conflict.
public enum ConsoleValidation {
    /// Why `text` is not acceptable for `kind`, or nil.
    public static func error(_ kind: AddForm.Kind, _ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "type an address" }
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
