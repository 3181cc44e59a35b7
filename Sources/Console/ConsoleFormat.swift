import Foundation

/// Number, time and duration spellings of the console, fixed (UTC, no locale) so that the
/// renderer's output is the same on every machine and its snapshots can be compared.
enum ConsoleFormat {
    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// `2026-11-29 03:15` (UTC).
    static func minute(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `03:15:07` (UTC).
    static func clock(_ date: Date) -> String {
        let parts = calendar.dateComponents([.hour, .minute, .second], from: date)
        return String(format: "%02d:%02d:%02d", parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
    }

    /// `2026-11-29 03:15:07 UTC`.
    static func full(_ date: Date) -> String {
        "\(minute(date)):\(clock(date).suffix(2)) UTC"
    }

    /// `1,234,567`.
    static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// `42s`, `3m 20s`, `2h 13m`, `4d 2h`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 1 { return "<1s" }
        let total = Int(seconds.rounded(.down))
        switch total {
        case ..<60: return "\(total)s"
        case ..<3_600: return "\(total / 60)m \(total % 60)s"
        case ..<86_400: return "\(total / 3_600)h \(total % 3_600 / 60)m"
        default: return "\(total / 86_400)d \(total % 86_400 / 3_600)h"
        }
    }

    /// `12%`.
    static func percent(_ fraction: Double) -> String { "\(Int((fraction * 100).rounded(.down)))%" }

    /// A size in octets: `812 B`, `4.2 KiB`, `1.5 MiB`.
    static func size(_ octets: Int) -> String {
        switch octets {
        case ..<1_024: "\(octets) B"
        case ..<1_048_576: String(format: "%.1f KiB", Double(octets) / 1_024)
        default: String(format: "%.1f MiB", Double(octets) / 1_048_576)
        }
    }
}
