import APIWire
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON in and out, as the cloud SDK writes and reads it: camelCase fields, absent optionals
/// left out, RFC 3339 UTC times with milliseconds (`2021-02-12T22:47:12.613Z`).
enum JSONCoding {
    /// Decodes a request body (`JSONBody.decode`); its refusal becomes the same 400 `APIError`.
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(APIError) -> T {
        try APIError.mapping { () throws(WireError) -> T in try JSONBody.decode(type, from: body) }
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
