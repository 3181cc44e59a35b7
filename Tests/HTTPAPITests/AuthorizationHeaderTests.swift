import APIWire
@testable import HTTPAPI
import Testing

/// The Authorization header parser: a pure function, so a table of inputs and outcomes.
@Suite struct AuthorizationHeaderTests {
    static let valid = #"Signature algorithm="rsa-sha256",headers="date (request-target) host",keyId="t/u/f",signature="c2ln",version="1""#

    @Test func parsesTheSDKsHeader() throws {
        let header = try AuthorizationHeader.parse(Self.valid)
        #expect(header.keyId == "t/u/f")
        #expect(header.headers == ["date", "(request-target)", "host"])
        #expect(header.signature == "c2ln")
        #expect(header.version == "1")
    }

    @Test func toleratesSpacesAndAnyParameterOrder() throws {
        let header = try AuthorizationHeader.parse(#"Signature version="1", signature="c2ln", keyId="a/b/c", headers="Host DATE", algorithm="rsa-sha256""#)
        #expect(header.headers == ["host", "date"])
    }

    @Test(arguments: [
        ("", "Missing signature"),
        ("Bearer abc", "Missing signature"),
        (#"Signature keyId=abc"#, "Malformed Authorization header: the value of keyid is not quoted"),
        (#"Signature keyId="abc"#, "Malformed Authorization header: unterminated value"),
        (#"Signature keyId="a" keyId="b""#, "Malformed Authorization header: expected ','"),
        (#"Signature keyId="a",keyId="b""#, "Malformed Authorization header: keyid is given twice"),
        (#"Signature algorithm="rsa-sha256",headers="date",signature="x""#, "Malformed Authorization header: missing keyId"),
        (#"Signature algorithm="hmac-sha256",headers="date",keyId="a",signature="x""#, "Unsupported signature algorithm"),
        (#"Signature algorithm="rsa-sha256",headers="date",keyId="a",signature="x",version="2""#, "Unsupported signature version"),
        ("Signature " + String(repeating: "a", count: 9_000), "longer than 8192 bytes"),
        (#"Signature noequals"#, "expected name=\"value\""),
    ])
    func refusesMalformedHeadersSayingWhy(input: String, expected: String) {
        #expect(throws: WireError.self) { try AuthorizationHeader.parse(input) }
        do {
            _ = try AuthorizationHeader.parse(input)
        } catch {
            #expect(error.code == .notAuthenticated)
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func neverEchoesParameterValues() {
        let secret = "c2VjcmV0LWtleS1tYXRlcmlhbA"
        for input in [#"Signature signature="\#(secret)" keyId="x""#, #"Signature \#(secret)=1"#, #"Signature \#(secret)"#] {
            do {
                _ = try AuthorizationHeader.parse(input)
                Issue.record("accepted \(input)")
            } catch {
                #expect(!error.message.contains(secret))
            }
        }
    }

    @Test func boundedParameterCount() {
        let many = "Signature " + (0..<20).map { "p\($0)=\"v\"" }.joined(separator: ",")
        #expect(throws: WireError.self) { try AuthorizationHeader.parse(many) }
    }

    @Test func splitsTheKeyId() throws {
        let fingerprint = "20:3b:97:13:55:1c:5e:7d:66:8a:1e:2b:3c:4d:5e:6f"
        let id = try SigningKeyID.parse("ocid1.tenancy.envoi..aaaaaaaa/ocid1.user.envoi..bbbbbbbb/" + fingerprint.uppercased())
        #expect(id.tenancy == "ocid1.tenancy.envoi..aaaaaaaa")
        #expect(id.fingerprint == fingerprint)
        #expect(throws: WireError.self) { try SigningKeyID.parse("ST$eyJhbGciOi") }
        #expect(throws: WireError.self) { try SigningKeyID.parse("a/b/zz:zz") }
    }

    @Test func parsesHTTPDates() {
        let date = HTTPDate.parse("Sat, 28 Nov 2026 23:53:16 GMT")
        #expect(date?.timeIntervalSince1970 == 1_795_909_996)
        #expect(HTTPDate.parse("Sat, 28 Nov 2026 23:53:16 UTC") == nil)
        #expect(HTTPDate.parse("2026-11-28T23:53:16Z") == nil)
        #expect(HTTPDate.parse("Sat, 31 Foo 2026 23:53:16 GMT") == nil)
    }
}
