import EnvoiCore

/// The Overview pane: send-limit gauges with time-to-limit, the 60-minute sparkline,
/// connections, queue depth and the delivery counts.
extension Renderer {
    /// The gauge turns yellow at 70 % of a limit and red at 90 %.
    static let warningFraction = 0.7
    static let dangerFraction = 0.9

    static func overview(_ model: ConsoleModel, _ buffer: inout CellBuffer, _ area: Area) {
        guard let stats = model.statistics else {
            heading("Overview", &buffer, readOnly: model.readOnly)
            buffer.write(" Waiting for the first statistics…", x: 0, y: area.top, role: .dim)
            return
        }
        heading("Overview  ·  \(ConsoleFormat.full(stats.time))", &buffer, readOnly: model.readOnly)
        var y = area.top
        buffer.write(" Send limits (recipients)", x: 0, y: y, role: .accent)
        y += 1
        gauge("Per minute", usage: stats.minuteUsage, limit: stats.limits.messagesPerMinute, eta: stats.secondsToMinuteLimit, &buffer, y: y)
        gauge("Per day", usage: stats.dayUsage, limit: stats.limits.messagesPerDay, eta: stats.secondsToDayLimit, &buffer, y: y + 1)
        let peak = stats.perMinuteHistory.max() ?? 0
        buffer.write(String(format: "  Rate       %.1f/s over the last 10s", stats.ratePerSecond)
                     + "  ·  busiest minute of the hour: \(ConsoleFormat.count(peak))", x: 0, y: y + 2)
        let used = buffer.write("  Last hour  ", x: 0, y: y + 3)
        buffer.write(sparkline(stats.perMinuteHistory), x: used, y: y + 3, role: .accent)
        y += 5

        let totals = { (event: ServiceStatistics.Event) in stats.totals[event.rawValue] ?? 0 }
        let rejected = stats.rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \(ConsoleFormat.count($0.value))" }
        let left: [(String, String, CellRole)] = [
            ("Accepted", ConsoleFormat.count(totals(.accepted)), .normal),
            ("Relayed", ConsoleFormat.count(totals(.relayed)), .ok),
            ("Deferred", ConsoleFormat.count(totals(.deferred)), totals(.deferred) > 0 ? .warning : .normal),
            ("Bounced", "\(ConsoleFormat.count(totals(.bouncedHard) + totals(.bouncedSoft))) (hard \(totals(.bouncedHard)), soft \(totals(.bouncedSoft)))",
             totals(.bouncedHard) + totals(.bouncedSoft) > 0 ? .danger : .normal),
            ("Suppressed", ConsoleFormat.count(totals(.suppressed)), .normal),
            ("Complaints", ConsoleFormat.count(totals(.complaints)), .normal),
            ("Auth failures", ConsoleFormat.count(totals(.authFailures)), totals(.authFailures) > 0 ? .warning : .normal),
            ("Rejected", ConsoleFormat.count(totals(.rejected)), totals(.rejected) > 0 ? .warning : .normal),
        ]
        buffer.write(" Since start", x: 0, y: y, role: .accent)
        let column = area.width / 2
        for (index, (label, value, role)) in left.enumerated() where y + 1 + index < area.bottom {
            buffer.write("  " + DisplayWidth.pad(label, to: 14), x: 0, y: y + 1 + index)
            buffer.write(value, x: 16, y: y + 1 + index, maxWidth: column - 17, role: role)
        }
        var row = y + 1 + left.count
        for line in rejected where row < area.bottom {
            buffer.write("    " + line, x: 0, y: row, maxWidth: column - 1, role: .warning)
            row += 1
        }

        buffer.write("Connections", x: column, y: y, role: .accent)
        var right = y + 1
        for (listener, count) in stats.connections.sorted(by: { $0.key < $1.key }) where right < area.bottom - 2 {
            buffer.write(" " + DisplayWidth.pad(listener, to: 24) + " " + ConsoleFormat.count(count), x: column, y: right)
            right += 1
        }
        if stats.connections.isEmpty {
            buffer.write(" no listener yet", x: column, y: right, role: .dim)
            right += 1
        }
        buffer.write("Queue depth  ", x: column, y: right + 1, role: .accent)
        buffer.write(ConsoleFormat.count(stats.queueDepth), x: column + 13, y: right + 1)
    }

    /// `  Per minute  [████░░░░]  12 / 1,000  1%  limit in 3m 20s`, coloured at 70 % and 90 %.
    private static func gauge(_ label: String, usage: Int, limit: Int, eta: Double?, _ buffer: inout CellBuffer, y: Int) {
        let barWidth = max(12, min(40, buffer.width - 62))
        let fraction = limit > 0 ? min(1, Double(usage) / Double(limit)) : 1
        let role: CellRole = fraction >= dangerFraction ? .danger : fraction >= warningFraction ? .warning : .ok
        let filled = Int((fraction * Double(barWidth)).rounded())
        var x = buffer.write("  " + DisplayWidth.pad(label, to: 11) + "[", x: 0, y: y)
        x += buffer.write(String(repeating: "█", count: filled), x: x, y: y, role: role)
        x += buffer.write(String(repeating: "░", count: barWidth - filled), x: x, y: y, role: .dim)
        x += buffer.write("] ", x: x, y: y)
        x += buffer.write("\(ConsoleFormat.count(usage)) / \(ConsoleFormat.count(limit)) \(ConsoleFormat.percent(fraction))", x: x, y: y, role: role)
        let time: String = switch eta {
        case .none: "  not reached at this rate"
        case .some(let seconds) where seconds <= 0: "  LIMIT REACHED"
        case .some(let seconds): "  limit in \(ConsoleFormat.duration(seconds))"
        }
        buffer.write(time, x: x, y: y, role: eta == nil ? .dim : role)
    }

    /// One block character per minute, scaled to the busiest minute.
    static func sparkline(_ values: [Int]) -> String {
        let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        let peak = values.max() ?? 0
        return String(values.suffix(60).map { value -> Character in
            guard peak > 0, value > 0 else { return " " }
            return blocks[min(blocks.count - 1, (value * blocks.count - 1) / peak)]
        })
    }
}
