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
    ///
    /// It runs on every signed request, so it works on the UTF-8 bytes: names are matched in
    /// ASCII lower case (HTTP names are ASCII), and only the values kept become strings.
    public static func parse(_ value: String) throws(WireError) -> AuthorizationHeader {
        let bytes = Array(value.utf8)
        guard bytes.count <= maximumLength else { throw .notAuthenticated("Malformed Authorization header: longer than \(maximumLength) bytes") }
        guard bytes.starts(with: schemePrefix) else {
            throw .notAuthenticated("Missing signature: the Authorization header must use the Signature scheme")
        }
        var parameters: [(name: [UInt8], value: String)] = []
        var index = schemePrefix.count
        func skipSpaces() { while index < bytes.count, bytes[index] == space { index += 1 } }
        while index < bytes.count {
            guard parameters.count < maximumParameters else { throw .notAuthenticated("Malformed Authorization header: too many parameters") }
            skipSpaces()
            guard let equals = bytes[index...].firstIndex(of: UInt8(ascii: "=")) else {
                throw .notAuthenticated("Malformed Authorization header: expected name=\"value\"")
            }
            let name = lowercased(trimmed(bytes[index..<equals]))
            guard equals + 1 < bytes.count, bytes[equals + 1] == quote else {
                throw .notAuthenticated("Malformed Authorization header: the value of \(Self.safeName(name)) is not quoted")
            }
            guard let close = bytes[(equals + 2)...].firstIndex(of: quote) else {
                throw .notAuthenticated("Malformed Authorization header: unterminated value")
            }
            guard !parameters.contains(where: { $0.name == name }) else {
                throw .notAuthenticated("Malformed Authorization header: \(Self.safeName(name)) is given twice")
            }
            parameters.append((name, String(decoding: bytes[(equals + 2)..<close], as: UTF8.self)))
            index = close + 1
            skipSpaces()
            if index < bytes.count {
                guard bytes[index] == UInt8(ascii: ",") else { throw .notAuthenticated("Malformed Authorization header: expected ',' between parameters") }
                index += 1
            }
        }
        func parameter(_ name: String) -> String? { parameters.first { $0.name.elementsEqual(name.utf8) }?.value }
        for required in ["keyid", "algorithm", "headers", "signature"] where (parameter(required) ?? "").isEmpty {
            throw .notAuthenticated("Malformed Authorization header: missing \(required == "keyid" ? "keyId" : required)")
        }
        guard parameter("algorithm") == "rsa-sha256" else { throw .notAuthenticated("Unsupported signature algorithm: only rsa-sha256 is accepted") }
        let version = parameter("version")
        if let version, version != "1" { throw .notAuthenticated("Unsupported signature version: only version 1 is accepted") }
        let headers = parameter("headers")!.utf8.split(separator: space).map { String(decoding: lowercased($0), as: UTF8.self) }
        guard headers.count <= maximumParameters else { throw .notAuthenticated("Malformed Authorization header: too many signed headers") }
        return AuthorizationHeader(keyId: parameter("keyid")!, algorithm: "rsa-sha256", headers: headers,
                                   signature: parameter("signature")!, version: version)
    }

    private static let schemePrefix = Array("Signature ".utf8)
    private static let space = UInt8(ascii: " ")
    private static let quote = UInt8(ascii: "\"")

    /// `bytes` without leading and trailing spaces and tabs.
    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let isBlank = { (byte: UInt8) in byte == space || byte == UInt8(ascii: "\t") }
        guard let first = bytes.firstIndex(where: { !isBlank($0) }), let last = bytes.lastIndex(where: { !isBlank($0) }) else { return [] }
        return bytes[first...last]
    }

    /// ASCII letters in lower case; every other byte as it is.
    static func lowercased(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 + 32 : $0 }
    }

    /// A parameter name for a message: only when it is a plain short word, never arbitrary text.
    private static func safeName(_ name: [UInt8]) -> String {
        !name.isEmpty && name.count <= 16 && name.allSatisfy({ (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) })
            ? String(decoding: name, as: UTF8.self) : "a parameter"
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
        let parts = keyId.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw .notAuthenticated("Malformed keyId: expected <tenancy OCID>/<user OCID>/<fingerprint>")
        }
        let fingerprint = AuthorizationHeader.lowercased(parts[2])
        // 16 pairs of hex digits, a colon after each but the last: "aa:bb:…:ff".
        let isFingerprint = fingerprint.count == 47 && fingerprint.enumerated().allSatisfy { offset, byte in
            offset % 3 == 2 ? byte == UInt8(ascii: ":")
                : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
        guard isFingerprint else {
            throw .notAuthenticated("Malformed keyId: the fingerprint must be 16 colon-separated hex pairs")
        }
        return SigningKeyID(tenancy: String(Substring(parts[0])), user: String(Substring(parts[1])),
                            fingerprint: String(decoding: fingerprint, as: UTF8.self))
    }
}
