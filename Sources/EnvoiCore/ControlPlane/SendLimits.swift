/// A tenancy's send limits (BEHAVIOUR.md §3): counted in accepted recipients, as the cloud
/// service's metrics count them — one message to 10 recipients uses 10.
public struct SendLimits: Sendable, Codable, Equatable {
    /// Recipients accepted in any sliding 60-second window.
    public var messagesPerMinute: Int
    /// Recipients accepted in any rolling 24-hour window.
    public var messagesPerDay: Int
    /// The largest message accepted, in octets, as composed (RFC 5322 bytes); advertised by EHLO SIZE.
    public var maxMessageSize: Int

    public init(messagesPerMinute: Int, messagesPerDay: Int, maxMessageSize: Int) {
        self.messagesPerMinute = messagesPerMinute
        self.messagesPerDay = messagesPerDay
        self.maxMessageSize = maxMessageSize
    }

    /// The limits a new tenancy starts with: 1,000 recipients a minute, 100,000 a day, 10 MiB messages.
    public static let `default` = SendLimits(messagesPerMinute: 1_000, messagesPerDay: 100_000, maxMessageSize: 10 * 1_048_576)

    /// Bounds that keep a limit meaningful: at least one recipient, messages of at least 1 KiB
    /// (a header section must fit) and at most 100 MiB (bodies are held in the queue database).
    public static let perMinuteRange = 1...10_000_000
    public static let perDayRange = 1...1_000_000_000
    public static let maxMessageSizeRange = 1_024...104_857_600

    /// Checks every field; the error names the field and its allowed range.
    public func validate() throws(ControlPlaneError) {
        try Self.check(messagesPerMinute, in: Self.perMinuteRange, field: "per-minute")
        try Self.check(messagesPerDay, in: Self.perDayRange, field: "per-day")
        try Self.check(maxMessageSize, in: Self.maxMessageSizeRange, field: "max-message-size")
    }

    private static func check(_ value: Int, in range: ClosedRange<Int>, field: String) throws(ControlPlaneError) {
        guard range.contains(value) else {
            throw .invalid(field: field, "\(value) is out of range (\(range.lowerBound)...\(range.upperBound))")
        }
    }
}
