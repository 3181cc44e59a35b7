import EnvoiCore
import Foundation
import GRDB

/// The tenancy a data directory serves: the root of the compartment tree, and its send limits.
public struct Tenancy: Sendable, Equatable {
    public var id: OCID
    public var name: String
    public var timeCreated: Date
    public var limits: SendLimits

    init(row: Row) {
        id = OCID(uncheckedRow: row["id"])
        name = row["name"]
        timeCreated = row["time_created"]
        limits = SendLimits(messagesPerMinute: row["messages_per_minute"], messagesPerDay: row["messages_per_day"],
                            maxMessageSize: row["max_message_size"])
    }
}

extension OCID {
    /// An id read back from the database, which only ever holds ids this code wrote.
    init(uncheckedRow text: String) {
        self = OCID(text) ?? OCID(uncheckedRawValue: text)
    }
}
