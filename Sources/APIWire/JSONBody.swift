import Foundation

/// A JSON request body as the cloud SDK writes it (camelCase fields, absent optionals left out).
package enum JSONBody {
    /// Decodes a request body; malformed JSON and wrong types become 400 InvalidParameter naming
    /// the field (`recipients.to[0].email`).
    package static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) throws(WireError) -> T {
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
    package static func path(_ codingPath: [any CodingKey]) -> String {
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
}
