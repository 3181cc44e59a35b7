import APIWire
import _CryptoExtras
import Crypto
import Foundation

/// The request as its signature covers it: the method, the raw request-target (path and query
/// exactly as received, still percent-encoded) and the received header values.
struct SignedRequest {
    /// Upper-case method (`POST`).
    var method: String
    /// The request-target from the request line, not decoded or re-encoded.
    var target: String
    /// A received header's value by lower-case name (`host` is the authority); nil when absent.
    var header: (String) -> String?
}

/// Server-side verification of the cloud SDK's request signatures (spec/OCI-API.md §7, steps
/// 2–7). Pure: given the parsed header, the request, the registered key and the time.
enum SignatureVerifier {
    /// The largest difference allowed between the `date` header and the server's clock.
    static let maximumClockSkew: TimeInterval = 300

    /// The headers every signature must cover for `method`: `date` (or `x-date`),
    /// `(request-target)` and `host`; for POST, PUT and PATCH also the body's length, type and digest.
    static func requiredHeaders(for method: String) -> [String] {
        let base = ["(request-target)", "host"]
        switch method {
        case "POST", "PUT", "PATCH": return base + ["content-length", "content-type", "x-content-sha256"]
        default: return base
        }
    }

    /// Rebuilds the signing string (UTF-8) from the received request, in the order of `headers=`.
    static func signingString(_ authorization: AuthorizationHeader, request: SignedRequest) throws(APIError) -> [UInt8] {
        let signed = authorization.headers
        let missing = requiredHeaders(for: request.method).filter { !signed.contains($0) }
            + (signed.contains("date") || signed.contains("x-date") ? [] : ["date"])
        guard missing.isEmpty else {
            throw .notAuthenticated("Missing signed headers: the signature must cover \(missing.joined(separator: ", "))")
        }
        var text: [UInt8] = []
        text.reserveCapacity(512)
        for name in signed {
            if !text.isEmpty { text.append(UInt8(ascii: "\n")) }
            if name == "(request-target)" {
                text += "(request-target): ".utf8
                text += request.method.lowercased().utf8
                text.append(UInt8(ascii: " "))
                text += request.target.utf8
                continue
            }
            guard let value = request.header(name) else {
                throw .notAuthenticated("Missing header: \(Self.printable(name)) is signed but not in the request")
            }
            text += name.utf8
            text += ": ".utf8
            text += value.utf8
        }
        return text
    }

    /// The registered PEM public key, parsed.
    static func publicKey(_ pem: String) throws(APIError) -> _RSA.Signing.PublicKey {
        guard let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem) else {
            throw .notAuthenticated("Unknown key: the registered key cannot be read")
        }
        return key
    }

    /// Checks the RSASSA-PKCS1-v1_5 / SHA-256 signature with the registered public key.
    static func verify(signature: String, signingString: [UInt8], publicKey key: _RSA.Signing.PublicKey) throws(APIError) {
        guard let bytes = Data(base64Encoded: signature) else { throw .notAuthenticated("Bad signature: the signature is not base64") }
        let valid = key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: bytes), for: signingString,
                                         padding: .insecurePKCS1v1_5)
        guard valid else { throw .notAuthenticated("Bad signature: the signature does not verify with the registered key") }
    }

    /// The `date` (or `x-date`) must be an RFC 7231 date within `maximumClockSkew` of `now`.
    static func checkDate(_ value: String?, now: Date) throws(APIError) {
        guard let value, let date = HTTPDate.parse(value) else {
            throw .notAuthenticated("Stale date: the date header is missing or not an RFC 7231 date")
        }
        guard abs(date.timeIntervalSince(now)) <= maximumClockSkew else {
            throw .notAuthenticated("Stale date: the date header is more than 5 minutes from the server's time")
        }
    }

    /// For POST, PUT and PATCH: `content-length` and `x-content-sha256` describe the body received.
    static func checkBody(_ body: [UInt8], contentLength: String?, digest: String?) throws(APIError) {
        guard let contentLength, Int(contentLength) == body.count else {
            throw .notAuthenticated("Body length mismatch: content-length does not match the body received")
        }
        let actual = Data(SHA256.hash(data: body)).base64EncodedString()
        guard digest == actual else {
            throw .notAuthenticated("Body digest mismatch: x-content-sha256 does not match the body received")
        }
    }

    /// A header name for a message: only letters, digits and dashes, never arbitrary input.
    static func printable(_ name: String) -> String {
        name.count <= 40 && name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) ? name : "a header"
    }
}

/// RFC 7231 §7.1.1.1 IMF-fixdate (`Sat, 28 Nov 2026 23:53:16 GMT`), parsed without a formatter.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    static func parse(_ text: String) -> Date? {
        let utf8 = text.utf8
        guard utf8.count <= 64 else { return nil }
        let parts = utf8.split(separator: UInt8(ascii: " "))
        guard parts.count == 6, parts[0].last == UInt8(ascii: ","), parts[5].elementsEqual("GMT".utf8),
              let day = number(parts[1]), (1...31).contains(day),
              let month = months.firstIndex(where: { $0.utf8.elementsEqual(parts[2].lazy.map { $0 | 0x20 }) }),
              let year = number(parts[3]), (1970...9999).contains(year) else { return nil }
        let time = parts[4].split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard time.count == 3, let hour = number(time[0]), let minute = number(time[1]), let second = number(time[2]),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        let days = daysFromCivil(year: year, month: month + 1, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }

    /// A decimal number of 1 to 4 digits.
    private static func number(_ digits: Substring.UTF8View.SubSequence) -> Int? {
        guard (1...4).contains(digits.count) else { return nil }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
