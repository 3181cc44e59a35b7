import Foundation
import Testing
@testable import DKIM

/// RSA signatures come from the system's OpenSSL for speed; they must be the very octets
/// swift-crypto gives, since RSASSA-PKCS1-v1_5 is deterministic (RFC 8017 §8.2).
@Suite("RSA signing through the system's OpenSSL")
struct SystemRSAKeyTests {
    static let data = Array("from:Alice <alice@example.com>\r\nsubject:hello\r\ndkim-signature:v=1; a=rsa-sha256; b=".utf8)

    @Test("PKCS#1 and PKCS#8 keys sign through OpenSSL, byte for byte as swift-crypto does",
          arguments: ["rsa2048-pkcs1.pem", "rsa2048-pkcs8.pem"])
    func fixtureKeys(file: String) throws {
        let key = try DKIMPrivateKey(pemRepresentation: Fixture.text(file))
        #expect(key.signsWithSystemOpenSSL)
        let fast = try key.sign(Self.data)
        #expect(fast.count == 256)
        #expect(fast == (try key.sign(Self.data, preferSystemOpenSSL: false)))
    }

    @Test("a generated 3072-bit key too; Ed25519 keys never use it")
    func generatedKeys() throws {
        let rsa = try DKIMPrivateKey.generate(.rsa3072)
        #expect(rsa.signsWithSystemOpenSSL)
        #expect(try rsa.sign(Self.data) == (try rsa.sign(Self.data, preferSystemOpenSSL: false)))
        #expect(!(try DKIMPrivateKey.generate(.ed25519)).signsWithSystemOpenSSL)
    }

    @Test("OpenSSL refuses what is not an RSA private key")
    func refusals() throws {
        #expect(SystemRSAKey(pem: "not a key") == nil)
        #expect(SystemRSAKey(pem: try Fixture.text("ed25519-pkcs8.pem")) == nil)
        #expect(SystemRSAKey(pem: try Fixture.text("rsa2048-pkcs1.pem"))?.signSHA256(digest: [1, 2, 3], modulusOctets: 256) == nil)
    }
}
