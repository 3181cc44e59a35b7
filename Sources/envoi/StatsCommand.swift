import ArgumentParser
import EnvoiCore
import EnvoiStore
import Foundation

/// `envoi stats [--watch]`: send-limit usage, rate, time to the limits and queue depth, from the
/// database (so it works beside a running `envoi serve`, or any number of them).
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show send-limit usage, rate and queue depth.",
        discussion: "Usage counts accepted recipients: a sliding 60-second window and a rolling 24 hours. With --watch, one line per refresh.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(help: "Print one line per refresh until interrupted.") var watch = false
    @Option(help: "Seconds between refreshes with --watch.") var interval: Double = 1
    @Option(help: "With --watch, stop after this many lines.") var count: Int?

    func validate() throws {
        guard interval >= 0.1 && interval <= 3600 else { throw ValidationError("--interval must be between 0.1 and 3600 seconds") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
    }

    func run() async throws {
        let store = try global.openStore()
        guard watch else {
            let snapshot = try StatisticsFeed.persistedSnapshot(store)
            try Output.emit(snapshot, as: output.format) { Output.fields(Self.fields($0)) }
            return
        }
        var printed = 0
        while count.map({ printed < $0 }) ?? true {
            let snapshot = try StatisticsFeed.persistedSnapshot(store)
            if output.format == .json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(snapshot), as: UTF8.self))
            } else {
                print(Self.line(snapshot))
            }
            fflush(nil)
            printed += 1
            if count.map({ printed >= $0 }) ?? false { break }
            try await Task.sleep(for: .milliseconds(Int(interval * 1000)))
        }
    }

    static func fields(_ s: StatisticsSnapshot) -> [(String, String)] {
        [("time", Output.timestamp(s.time)),
         ("per minute", "\(s.minuteUsage) / \(s.limits.messagesPerMinute)"),
         ("per day", "\(s.dayUsage) / \(s.limits.messagesPerDay)"),
         ("rate", String(format: "%.1f recipients/s", s.ratePerSecond)),
         ("minute limit in", duration(s.secondsToMinuteLimit)),
         ("day limit in", duration(s.secondsToDayLimit)),
         ("queue depth", "\(s.queueDepth)"),
         ("last 60 minutes", s.perMinuteHistory.map(String.init).joined(separator: " "))]
            + s.totals.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
    }

    static func line(_ s: StatisticsSnapshot) -> String {
        "\(Output.timestamp(s.time)) minute \(s.minuteUsage)/\(s.limits.messagesPerMinute) day \(s.dayUsage)/\(s.limits.messagesPerDay) "
            + String(format: "rate %.1f/s", s.ratePerSecond)
            + " minute-limit-in \(duration(s.secondsToMinuteLimit)) day-limit-in \(duration(s.secondsToDayLimit)) queue \(s.queueDepth)"
    }

    /// `-` for never, else seconds, minutes or hours.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "-" }
        if seconds < 120 { return String(format: "%.0fs", seconds) }
        if seconds < 7_200 { return String(format: "%.0fm", seconds / 60) }
        return String(format: "%.1fh", seconds / 3_600)
    }
}
