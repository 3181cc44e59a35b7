import EnvoiCore
import Foundation
import Hummingbird

/// The query parameters of one request, checked one by one: a missing required one is
/// 400 MissingParameter, a malformed one (bad id, number out of range, unknown enum value,
/// foreign page token) 400 InvalidParameter naming the parameter.
struct QueryParameters {
    private let values: [String: String]

    init(_ request: Request) {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where values[String(name)] == nil {
            values[String(name)] = String(value)
        }
        self.values = values
    }

    func string(_ name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    func required(_ name: String) throws(APIError) -> String {
        guard let value = string(name) else { throw .missing("Required query parameter \(name) is missing") }
        return value
    }

    /// A compartment (or tenancy) id.
    func compartment(_ name: String = "compartmentId") throws(APIError) -> OCID {
        let text = try required(name)
        guard let id = OCID(text), id.type == .compartment || id.type == .tenancy else {
            throw .invalid("Invalid value for \(name): not a compartment OCID")
        }
        return id
    }

    /// An optional id of `type`.
    func id(_ name: String, _ type: ResourceType) throws(APIError) -> OCID? {
        guard let text = string(name) else { return nil }
        guard let id = OCID(text, type: type) else { throw .invalid("Invalid value for \(name): not a \(type.displayName) OCID") }
        return id
    }

    /// An optional enum value, compared case-insensitively when `ignoringCase`.
    func enumeration<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type, ignoringCase: Bool = false) throws(APIError) -> E?
    where E.RawValue == String {
        guard let text = string(name) else { return nil }
        if let value = E.allCases.first(where: { ignoringCase ? $0.rawValue.lowercased() == text.lowercased() : $0.rawValue == text }) {
            return value
        }
        throw .invalid("Invalid value for \(name): expected one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    /// An optional RFC 3339 time.
    func time(_ name: String) throws(APIError) -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = JSONCoding.parseTime(text) else { throw .invalid("Invalid value for \(name): not an RFC 3339 date-time") }
        return date
    }

    /// `limit` (1…1000) and `page` (a token from `opc-next-page`).
    func page() throws(APIError) -> PageRequest {
        var request = PageRequest()
        if let text = string("limit") {
            guard let limit = Int(text), (1...PageRequest.maximumLimit).contains(limit) else {
                throw .invalid("Invalid value for limit: expected a whole number from 1 to \(PageRequest.maximumLimit)")
            }
            request.limit = limit
        }
        if let token = string("page") {
            guard let offset = PageToken.offset(token) else { throw .invalid("Invalid value for page: not a token returned by a previous list") }
            request.offset = offset
        }
        return request
    }
}

/// The opaque `opc-next-page` / `page` token: the offset of the next page, so that clients treat
/// it as opaque and the server can change it.
enum PageToken {
    private static let prefix = "envoi-page:"
    /// Offsets beyond this are refused (a list never holds more).
    static let maximumOffset = 100_000_000

    static func token(for offset: Int) -> String {
        Data((prefix + String(offset)).utf8).base64EncodedString()
    }

    static func offset(_ token: String) -> Int? {
        guard token.utf8.count <= 64, let data = Data(base64Encoded: token), let text = String(data: data, encoding: .utf8),
              text.hasPrefix(prefix), let offset = Int(text.dropFirst(prefix.count)), (0...maximumOffset).contains(offset) else { return nil }
        return offset
    }
}
