#if DEBUG
import Foundation

/// Failures a test injects into a debug build, named in `ENVOI_TEST_FAULTS` (comma-separated), to
/// reach the replies a healthy store never produces on demand: BEHAVIOUR.md §1's `421 4.4.0`
/// (credentials unreadable), `451` (suppression lookup failed) and `421 4.3.0` (queue writer
/// stopped). Release builds compile none of this, so no environment can break a production node.
enum StoreFault: String, CaseIterable, Sendable {
    /// Reading SMTP credentials fails.
    case credentials
    /// Looking a recipient up in the suppression list fails.
    case suppressions
    /// The queue writer has stopped and takes nothing.
    case queueWriter = "queue-writer"

    /// The faults this process was started with.
    static let active: Set<StoreFault> = Set(
        (ProcessInfo.processInfo.environment["ENVOI_TEST_FAULTS"] ?? "")
            .split(separator: ",")
            .compactMap { StoreFault(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
    )

    /// Throws an I/O error when `self` was injected.
    func inject() throws {
        if Self.active.contains(self) { throw StoreError.io("injected fault: \(rawValue)") }
    }
}
#endif
