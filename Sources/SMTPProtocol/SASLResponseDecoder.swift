/// Decodes the client's side of AUTH PLAIN (RFC 4616) and AUTH LOGIN exchanges.
///
/// Responses travel base64-encoded (RFC 4954 §4). The three PLAIN failures have their own
/// `501` texts in `spec/BEHAVIOUR.md`; LOGIN shares the "not a valid Base64 string" one.
public enum SASLResponseDecoder {
    /// The line a client sends to cancel an exchange (RFC 4954 §4), answered with `501`.
    public static let cancellation = "*"

    /// Decodes a PLAIN response, `[authzid] NUL authcid NUL passwd`.
    ///
    /// The authorisation identity is returned but not acted upon: a session always acts as
    /// the authenticated user, so a client cannot gain another user's rights through it.
    /// Bytes after the second NUL all belong to the password, which then simply fails to verify.
    public static func decodePlain(_ response: some StringProtocol) throws(SMTPProtocolError) -> SASLCredentials {
        let decoded = try decodeBase64(response)
        guard let first = decoded.firstIndex(of: 0) else { throw .missingNUL }
        guard let second = decoded[(first + 1)...].firstIndex(of: 0) else { throw .missingSecondNUL }
        return SASLCredentials(
            authorizationIdentity: text(decoded[..<first]),
            username: text(decoded[(first + 1)..<second]),
            password: text(decoded[(second + 1)...]))
    }

    /// Decodes one LOGIN response (the user name or the password).
    public static func decodeLogin(_ response: some StringProtocol) throws(SMTPProtocolError) -> String {
        text(try decodeBase64(response))
    }

    /// Decodes base64 (RFC 4648 §4), strictly: no whitespace, no characters outside the
    /// alphabet, padding only at the end. Missing padding is accepted, as common SASL
    /// libraries do. RFC 4954 §4: `=` alone is an empty initial response.
    public static func decodeBase64(_ text: some StringProtocol) throws(SMTPProtocolError) -> [UInt8] {
        var input = Array(text.utf8)
        if input == [UInt8(ascii: "=")] { return [] }
        var padding = 0
        while input.last == UInt8(ascii: "=") && padding < 2 {
            input.removeLast()
            padding += 1
        }
        guard input.count % 4 != 1, padding == 0 || (input.count + padding) % 4 == 0 else {
            throw .invalidBase64
        }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bitCount = 0
        for byte in input {
            guard let value = sextet(byte) else { throw .invalidBase64 }
            accumulator = (accumulator << 6) | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bitCount)))
            }
        }
        // RFC 4648 §3.5: the bits left over must be zero, or two texts decode alike.
        guard accumulator & ((1 << UInt32(bitCount)) - 1) == 0 else { throw .invalidBase64 }
        return output
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    /// RFC 4616 §2 says UTF-8; an invalid sequence becomes U+FFFD and can never match the
    /// service-generated ASCII password, so lossy decoding cannot let a wrong secret through.
    private static func text(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}

/// The identities and secret a client sent with AUTH.
public struct SASLCredentials: Hashable, Sendable {
    /// The identity to act as (PLAIN's authzid); empty when not given.
    public let authorizationIdentity: String
    /// The user name (PLAIN's authcid, LOGIN's first answer).
    public let username: String
    /// The password.
    public let password: String

    /// Credentials as decoded.
    public init(authorizationIdentity: String = "", username: String, password: String) {
        self.authorizationIdentity = authorizationIdentity
        self.username = username
        self.password = password
    }
}
