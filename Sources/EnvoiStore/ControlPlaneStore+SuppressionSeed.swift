import EnvoiCore
import Foundation
import GRDB

/// Bulk seeding of the suppression list, for the console benchmark and demonstrations: one
/// transaction of prepared inserts, so a million entries take seconds, not hours of fsyncs.
extension ControlPlaneStore {
    /// The reasons and error details seeded entries cycle through.
    private static let seedReasons: [(SuppressionReason, String?)] = [
        (.hardBounce, "550 5.1.1 <%@>: Recipient address rejected: User unknown"),
        (.hardBounce, "550 5.1.2 Host unknown: domain does not exist"),
        (.complaint, "Feedback report: abuse"),
        (.softBounce, "452 4.2.2 Mailbox full (5 attempts)"),
        (.unsubscribe, nil),
        (.manual, nil),
    ]

    /// Adds `count` suppressions `<prefix>0000000@example<n>.org` … with realistic reasons, in
    /// one transaction; addresses already present are skipped. Returns the entries added.
    @discardableResult
    public func seedSuppressions(count: Int, prefix: String = "user") throws -> Int {
        try write { db in
            let statement = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO suppression (id, email_address, reason, time_created, time_last_suppressed, message_id, error_detail, error_source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let start = now().addingTimeInterval(-86_400 * 30)
            var added = 0
            for index in 0..<count {
                let address = "\(prefix)\(String(format: "%07d", index))@example\(index % 50).org"
                let (reason, detail) = Self.seedReasons[index % Self.seedReasons.count]
                let time = start.addingTimeInterval(Double(index % 2_592_000))
                try statement.execute(arguments: [
                    OCID.generate(.suppression).rawValue, address, reason.rawValue, time, time,
                    reason == .manual ? nil : "seed-\(index)@example.org", detail?.replacingOccurrences(of: "%@", with: address),
                    detail == nil ? nil : "mx.example\(index % 50).org",
                ])
                added += db.changesCount
            }
            return added
        }
    }
}
