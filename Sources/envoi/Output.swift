import ArgumentParser
import EnvoiCore
import Foundation

/// `--output table|json`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// The output option of every list and get.
struct OutputOptions: ParsableArguments {
    @Option(name: .customLong("output"), help: "table or json (JSON uses the cloud API's camelCase field names).")
    var format: OutputFormat = .table
}

/// Prints values as JSON (camelCase, RFC 3339 times in UTC with milliseconds, as the cloud API
/// writes them) or as an aligned table.
enum Output {
    static func json(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Prints `rows` under `headers`, columns padded to their widest cell.
    static func table(_ headers: [String], _ rows: [[String]]) {
        var widths = headers.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        print(line(headers))
        for row in rows { print(line(row)) }
    }

    /// Prints a single value as `field: value` lines.
    static func fields(_ pairs: [(String, String)]) {
        let width = pairs.map(\.0.count).max() ?? 0
        for (name, value) in pairs { print("\(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)") }
    }

    /// Prints `value` in `format`: JSON, or the table/fields that `table` makes.
    static func emit<T: Encodable>(_ value: T, as format: OutputFormat, table: (T) -> Void) throws {
        switch format {
        case .json: try json(value)
        case .table: table(value)
        }
    }
}
