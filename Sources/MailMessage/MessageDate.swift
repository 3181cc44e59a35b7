import Foundation

/// A Date field value in RFC 5322 §3.3 form: `Fri, 11 Jul 2003 21:00:37 -0700`.
///
/// Computed with integer calendar arithmetic on the proleptic Gregorian calendar, so the result
/// does not depend on the locale or time zone database of the machine.
public struct MessageDate: Hashable, Sendable, CustomStringConvertible {
    /// The instant.
    public let date: Date
    /// The offset from UTC written in the field, in minutes (east positive).
    public let utcOffsetMinutes: Int

    /// RFC 5322 §3.3: the zone is `(+|-)hhmm`, hh at most 99; offsets beyond ±23:59 are clamped.
    public static let maximumOffsetMinutes = 23 * 60 + 59

    /// The date `date` as seen at `utcOffsetMinutes` from UTC.
    public init(_ date: Date, utcOffsetMinutes: Int = 0) {
        self.date = date
        self.utcOffsetMinutes = max(-Self.maximumOffsetMinutes, min(Self.maximumOffsetMinutes, utcOffsetMinutes))
    }

    private static let dayNames = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The field value, e.g. `Thu, 01 Jan 1970 00:00:00 +0000`.
    public var description: String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + utcOffsetMinutes * 60
        let days = Self.floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civilDate(daysSince1970: days)
        let weekday = Self.dayNames[((days % 7) + 7) % 7]  // 1970-01-01 was a Thursday
        let sign = utcOffsetMinutes < 0 ? "-" : "+"
        let offset = abs(utcOffsetMinutes)
        return "\(weekday), \(Self.pad(day)) \(Self.monthNames[month - 1]) \(Self.pad(year, width: 4)) "
            + "\(Self.pad(secondOfDay / 3600)):\(Self.pad(secondOfDay / 60 % 60)):\(Self.pad(secondOfDay % 60)) "
            + "\(sign)\(Self.pad(offset / 60))\(Self.pad(offset % 60))"
    }

    /// Howard Hinnant's `civil_from_days`: the Gregorian (year, month, day) of a day count.
    private static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    private static func pad(_ value: Int, width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
