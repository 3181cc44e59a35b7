import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON in and out, as the cloud SDK writes and reads it: camelCase fields, absent optionals
/// left out, RFC 3339 UTC times with milliseconds (`2021-02-12T22:47:12.613Z`).
enum JSONCoding {
    /// Decodes a request body; malformed JSON and wrong types become 400 InvalidParameter naming
    /// the field (`recipients.to[0].email`).
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(APIError) -> T {
        guard !body.isEmpty else { throw .invalid("The request body is empty: a JSON object is required") }
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch let DecodingError.typeMismatch(expected, context) {
            throw .invalid(message(context.codingPath, "expected \(describe(expected))"))
        } catch let DecodingError.dataCorrupted(context) {
            if context.codingPath.isEmpty { throw .invalid("The request body is not valid JSON") }
            throw .invalid(message(context.codingPath, "invalid value"))
        } catch let DecodingError.valueNotFound(expected, context) {
            throw .invalid(message(context.codingPath, "expected \(describe(expected)), found null"))
        } catch let DecodingError.keyNotFound(key, context) {
            throw .missing("Required attribute \(path(context.codingPath + [key])) cannot be empty or null")
        } catch {
            throw .invalid("The request body is not valid JSON")
        }
    }

    /// `a.b[0].c`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    private static func message(_ codingPath: [any CodingKey], _ problem: String) -> String {
        codingPath.isEmpty ? "The request body must be a JSON object" : "Invalid value for \(path(codingPath)): \(problem)"
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Double.Type: "a number"
        case is [String: String].Type: "an object of strings"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }

    private static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Encodes `value` as a 200 (or `status`) response with `extraHeaders`.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers extraHeaders: HTTPFields = [:]) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encode(value))))
    }

    /// A 200 response whose body is JSON already encoded (a recorded answer).
    static func rawResponse(_ json: Data) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json)))
    }

    /// The JSON bytes of `value`.
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timeFormat.format(date))
        }
        return try encoder.encode(value)
    }

    /// Parses an RFC 3339 time from a query parameter (`2024-01-02T03:04:05Z`, fractions allowed).
    static func parseTime(_ text: String) -> Date? {
        (try? timeFormat.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
    }

    /// A response with no body (`204` for deletes).
    static func empty(status: HTTPResponse.Status = .noContent, headers: HTTPFields = [:]) -> Response {
        Response(status: status, headers: headers)
    }
}
