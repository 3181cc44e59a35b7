import Foundation
import MailMessage

/// A `multipart/report` message (RFC 6522) split into its body parts, each with its header.
///
/// Only what reading a report needs: the top-level `Content-Type` with its `report-type` and
/// `boundary` parameters, the parts between boundary delimiter lines (RFC 2046 §5.1.1), and the
/// content of one part decoded from base64 or quoted-printable when it says so.
struct MultipartReport: Sendable {
    /// One body part: its header fields and its content, transfer decoding applied.
    struct Part: Sendable {
        /// The media type, lower-cased, without parameters (`text/plain` when absent, RFC 2045 §5.2).
        let mediaType: String
        let content: [UInt8]
    }

    /// The `report-type` parameter, lower-cased (`delivery-status`, `feedback-report`, …).
    let reportType: String
    let parts: [Part]

    /// Splits `bytes`; throws when they are not a `multipart/report` with a boundary.
    init(parsing bytes: [UInt8]) throws(ReportError) {
        guard let message = try? ParsedMessage(parsing: bytes),
              let contentType = message.header.first(named: "Content-Type").map({ ContentType($0.value) }),
              contentType.mediaType == "multipart/report" else { throw .notAReport }
        guard let boundary = contentType.parameters["boundary"], !boundary.isEmpty else { throw .noBoundary }
        reportType = contentType.parameters["report-type"]?.lowercased() ?? ""
        parts = Self.split(Array(message.body), boundary: boundary).compactMap(Self.part)
    }

    /// The first part of one of `mediaTypes`.
    func part(_ mediaTypes: Set<String>) -> Part? {
        parts.first { mediaTypes.contains($0.mediaType) }
    }

    /// The bytes between `--boundary` lines, up to `--boundary--` (preamble and epilogue dropped).
    private static func split(_ body: [UInt8], boundary: String) -> [[UInt8]] {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [[UInt8]] = []
        var current: [UInt8]?
        for line in body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var text = Array(line)
            if text.last == UInt8(ascii: "\r") { text.removeLast() }
            // RFC 2046 §5.1.1: the delimiter may be followed by linear white space.
            while let last = text.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { text.removeLast() }
            if text == delimiter || text == delimiter + Array("--".utf8) {
                if let finished = current { parts.append(finished) }
                if text.count > delimiter.count { return parts }
                current = []
            } else if current != nil {
                current! += text + [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
            }
        }
        return parts
    }

    private static func part(_ bytes: [UInt8]) -> Part? {
        // A part with no header fields starts with its blank line (RFC 2046 §5.1.1).
        if bytes.starts(with: [UInt8(ascii: "\r"), UInt8(ascii: "\n")]) {
            return Part(mediaType: "text/plain", content: Array(bytes.dropFirst(2)))
        }
        guard let parsed = try? ParsedMessage(parsing: bytes) else { return nil }
        let mediaType = parsed.header.first(named: "Content-Type").map { ContentType($0.value).mediaType } ?? "text/plain"
        let encoding = parsed.header.first(named: "Content-Transfer-Encoding")?.value.lowercased() ?? "7bit"
        let body = Array(parsed.body)
        let content: [UInt8] = switch encoding {
        case "base64":
            Data(base64Encoded: String(decoding: body, as: UTF8.self), options: .ignoreUnknownCharacters).map(Array.init) ?? []
        case "quoted-printable":
            QuotedPrintable.decode(String(decoding: body, as: UTF8.self))
        default:
            body
        }
        return Part(mediaType: mediaType, content: content)
    }
}

/// A `Content-Type` value: the media type and its parameters (RFC 2045 §5.1), names lower-cased,
/// quoted values unquoted.
struct ContentType: Sendable, Equatable {
    let mediaType: String
    let parameters: [String: String]

    init(_ value: String) {
        var items: [String] = []
        var current = ""
        var quoted = false
        for character in value {
            if character == "\"" { quoted.toggle() }
            if character == ";" && !quoted {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        items.append(current)
        mediaType = items[0].trimmingCharacters(in: .whitespaces).lowercased()
        var parameters: [String: String] = [:]
        for item in items.dropFirst() {
            guard let equals = item.firstIndex(of: "=") else { continue }
            let name = item[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = item[item.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            if parameters[name] == nil { parameters[name] = value }
        }
        self.parameters = parameters
    }
}
