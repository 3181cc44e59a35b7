import Foundation

/// The parameters of a draft-cavage HTTP signature (`Authorization: Signature k="v",…`), as the
/// cloud SDK sends them (spec/OCI-API.md §7). Parsing is a pure function of the header text,
/// bounded in length and count, and its errors never repeat the header's values.
public struct AuthorizationHeader: Equatable, Sendable {
    /// `<tenancy OCID>/<user OCID>/<fingerprint>`.
    public var keyId: String
    public var algorithm: String
    /// The signed header names, lower-cased, in signing order.
    public var headers: [String]
    /// The base64 signature.
    public var signature: String
    public var version: String?

    /// Longest header accepted: a 4096-bit signature is 684 base64 characters, the key id about
    /// 200, the header list about 80.
    public static let maximumLength = 8_192
    /// At most this many parameters and signed headers.
    public static let maximumParameters = 16

    /// Parses `value`; the error says what is wrong (missing, malformed, unsupported).
    public static func parse(_ value: String) throws(WireError) -> AuthorizationHeader {
        guard value.utf8.count <= maximumLength else { throw .notAuthenticated("Malformed Authorization header: longer than \(maximumLength) bytes") }
        let scheme = "Signature "
        guard value.hasPrefix(scheme) else {
            throw .notAuthenticated("Missing signature: the Authorization header must use the Signature scheme")
        }
        var parameters: [String: String] = [:]
        var rest = Substring(value.dropFirst(scheme.count))
        while !rest.isEmpty {
            guard parameters.count < maximumParameters else { throw .notAuthenticated("Malformed Authorization header: too many parameters") }
            rest = rest.drop(while: { $0 == " " })
            guard let equals = rest.firstIndex(of: "=") else { throw .notAuthenticated("Malformed Authorization header: expected name=\"value\"") }
            let name = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var afterEquals = rest[rest.index(after: equals)...]
            guard afterEquals.first == "\"" else { throw .notAuthenticated("Malformed Authorization header: the value of \(Self.safeName(name)) is not quoted") }
            afterEquals = afterEquals.dropFirst()
            guard let close = afterEquals.firstIndex(of: "\"") else { throw .notAuthenticated("Malformed Authorization header: unterminated value") }
            guard parameters[name] == nil else { throw .notAuthenticated("Malformed Authorization header: \(Self.safeName(name)) is given twice") }
            parameters[name] = String(afterEquals[..<close])
            rest = afterEquals[afterEquals.index(after: close)...].drop(while: { $0 == " " })
            if rest.first == "," { rest = rest.dropFirst() } else if !rest.isEmpty {
                throw .notAuthenticated("Malformed Authorization header: expected ',' between parameters")
            }
        }
        for required in ["keyid", "algorithm", "headers", "signature"] where (parameters[required] ?? "").isEmpty {
            throw .notAuthenticated("Malformed Authorization header: missing \(required == "keyid" ? "keyId" : required)")
        }
        guard parameters["algorithm"] == "rsa-sha256" else { throw .notAuthenticated("Unsupported signature algorithm: only rsa-sha256 is accepted") }
        if let version = parameters["version"], version != "1" { throw .notAuthenticated("Unsupported signature version: only version 1 is accepted") }
        let headers = parameters["headers"]!.split(separator: " ").map { $0.lowercased() }
        guard headers.count <= maximumParameters else { throw .notAuthenticated("Malformed Authorization header: too many signed headers") }
        return AuthorizationHeader(keyId: parameters["keyid"]!, algorithm: parameters["algorithm"]!, headers: headers,
                                   signature: parameters["signature"]!, version: parameters["version"])
    }

    /// A parameter name for a message: only when it is a plain short word, never arbitrary text.
    private static func safeName(_ name: String) -> String {
        name.count <= 16 && name.allSatisfy({ $0.isASCII && $0.isLetter }) ? name : "a parameter"
    }
}

/// The three parts of a `keyId`: `<tenancy OCID>/<user OCID>/<fingerprint>`.
public struct SigningKeyID: Equatable, Sendable {
    public var tenancy: String
    public var user: String
    /// MD5 fingerprint, lower-case colon-separated hex (16 pairs).
    public var fingerprint: String

    /// Splits and checks the shape; session tokens (`ST$…`) are not supported.
    public static func parse(_ keyId: String) throws(WireError) -> SigningKeyID {
        let parts = keyId.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .notAuthenticated("Malformed keyId: expected <tenancy OCID>/<user OCID>/<fingerprint>")
        }
        let fingerprint = parts[2].lowercased()
        let pairs = fingerprint.split(separator: ":", omittingEmptySubsequences: false)
        guard pairs.count == 16, pairs.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isHexDigit) }) else {
            throw .notAuthenticated("Malformed keyId: the fingerprint must be 16 colon-separated hex pairs")
        }
        return SigningKeyID(tenancy: String(parts[0]), user: String(parts[1]), fingerprint: fingerprint)
    }
}
