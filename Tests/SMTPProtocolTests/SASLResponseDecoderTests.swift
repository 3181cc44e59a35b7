import Foundation
import SMTPProtocol
import Testing

@Suite struct SASLResponseDecoderTests {
    private func base64(_ bytes: [UInt8]) -> String { Data(bytes).base64EncodedString() }

    @Test("AUTH PLAIN decodes authzid, user name and password")
    func plainWithAuthorizationIdentity() throws {
        let credentials = try SASLResponseDecoder.decodePlain(base64(Array("admin\0alice\0s3cret".utf8)))
        #expect(credentials == SASLCredentials(authorizationIdentity: "admin", username: "alice", password: "s3cret"))
    }

    @Test("AUTH PLAIN with an empty authzid, as most clients send it")
    func plainWithoutAuthorizationIdentity() throws {
        let credentials = try SASLResponseDecoder.decodePlain(base64(Array("\0alice\0s3cret".utf8)))
        #expect(credentials == SASLCredentials(username: "alice", password: "s3cret"))
    }

    @Test("AUTH PLAIN keeps UTF-8 user names and passwords")
    func plainUTF8() throws {
        let credentials = try SASLResponseDecoder.decodePlain(base64(Array("\0élise\0mot de passe ✓".utf8)))
        #expect(credentials.username == "élise" && credentials.password == "mot de passe ✓")
    }

    @Test("bytes after the second NUL belong to the password")
    func plainExtraNULInPassword() throws {
        let credentials = try SASLResponseDecoder.decodePlain(base64(Array("\0alice\0pass\0word".utf8)))
        #expect(credentials.password == "pass\0word")
    }

    @Test("empty user name and password decode, and are left to verification")
    func plainEmptyFields() throws {
        #expect(try SASLResponseDecoder.decodePlain(base64([0, 0])) == SASLCredentials(username: "", password: ""))
    }

    @Test("the three AUTH PLAIN refusals have their own 501 texts",
          arguments: [
            ("not base64!", SMTPProtocolError.invalidBase64),
            ("YWxpY2U=", .missingNUL),                              // "alice"
            ("AGFsaWNl", .missingSecondNUL),                        // "\0alice"
            ("YWxpY2UAczNjcmV0", .missingSecondNUL),                // "alice\0s3cret"
            ("=", .missingNUL),                                     // empty initial response
            ("", .missingNUL),
          ])
    func plainRefusals(response: String, error: SMTPProtocolError) {
        #expect(throws: error) { try SASLResponseDecoder.decodePlain(response) }
    }

    @Test("AUTH LOGIN answers decode to text")
    func login() throws {
        #expect(try SASLResponseDecoder.decodeLogin("YWxpY2U=") == "alice")
        #expect(try SASLResponseDecoder.decodeLogin("") == "")
        #expect(throws: SMTPProtocolError.invalidBase64) { try SASLResponseDecoder.decodeLogin("a b") }
    }

    @Test("strict base64: valid forms", arguments: [
        ("", ""), ("=", ""), ("YQ==", "a"), ("YQ", "a"), ("YWI=", "ab"), ("YWI", "ab"), ("YWJj", "abc"),
        ("YWJjZA==", "abcd"), ("+/8=", "\u{FB}\u{FF}"),
    ])
    func base64Valid(text: String, decoded: String) throws {
        let expected: [UInt8] = decoded.unicodeScalars.map { UInt8($0.value) }
        #expect(try SASLResponseDecoder.decodeBase64(text) == expected)
    }

    @Test("strict base64: invalid forms", arguments: [
        "Y", "YQ=", "YWJj=", "==", "===", "Y=Q=", "YQ==YQ==", "YW Jj", "YWJj\r", "YW-j", "YW_j", "YR==", "YWJ=x",
        "*",
    ])
    func base64Invalid(text: String) {
        #expect(throws: SMTPProtocolError.invalidBase64) { try SASLResponseDecoder.decodeBase64(text) }
    }

    @Test("base64 agrees with Foundation on every length up to 64 bytes")
    func base64AgreesWithFoundation() throws {
        for length in 0...64 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(try SASLResponseDecoder.decodeBase64(base64(bytes)) == bytes)
        }
    }
}
