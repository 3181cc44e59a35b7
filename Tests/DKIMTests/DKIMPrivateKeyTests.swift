import Foundation
import Testing
@testable import DKIM

@Suite("DKIM keys: generation, PEM, DNS text")
struct DKIMPrivateKeyTests {
    @Test("generates each kind with its size and record", arguments: DKIMPrivateKey.Kind.allCases)
    func generates(kind: DKIMPrivateKey.Kind) throws {
        let key = try DKIMPrivateKey.generate(kind)
        let expected: (DKIMKeyType, Int) = switch kind {
        case .rsa2048: (.rsa, 2048)
        case .rsa3072: (.rsa, 3072)
        case .ed25519: (.ed25519, 256)
        }
        #expect(key.keyType == expected.0)
        #expect(key.keySizeInBits == expected.1)
        #expect(key.publicKey.keySizeInBits == expected.1)
        let record = key.publicKey.txtRecordValue
        #expect(record.hasPrefix("v=DKIM1; k=\(expected.0.rawValue); p="))
        #expect(DKIMKeyRecord.parse(record) == .valid(try #require(validRecord(record))))
        let roundTrip = try DKIMPrivateKey(pemRepresentation: key.pemRepresentation)
        #expect(roundTrip.publicKey == key.publicKey)
        #expect(key.pemRepresentation.hasPrefix("-----BEGIN PRIVATE KEY-----"))
    }

    private func validRecord(_ text: String) -> DKIMKeyRecord? {
        if case .valid(let record) = DKIMKeyRecord.parse(text) { return record }
        return nil
    }

    @Test("p= is the SPKI DER for RSA and the raw 32 octets for Ed25519")
    func publicKeyEncodings() throws {
        let rsa = try DKIMPrivateKey(pemRepresentation: try Fixture.text("rsa2048-pkcs8.pem"))
        #expect(rsa.publicKey.base64 == (try Fixture.text("rsa2048-public.b64")))
        let ed = try DKIMPrivateKey(pemRepresentation: try Fixture.text("ed25519-pkcs8.pem"))
        #expect(ed.publicKey.base64 == (try Fixture.text("ed25519-public.b64")))
        #expect(ed.publicKey.bytes.count == 32)
    }

    @Test("reads OpenSSL's PKCS#1 and PKCS#8 forms of one RSA key alike")
    func rsaPEMForms() throws {
        let pkcs8 = try DKIMPrivateKey(pemRepresentation: try Fixture.text("rsa2048-pkcs8.pem"))
        let pkcs1 = try DKIMPrivateKey(pemRepresentation: try Fixture.text("rsa2048-pkcs1.pem"))
        #expect(pkcs8.publicKey == pkcs1.publicKey)
        #expect(pkcs1.pkcs1PEMRepresentation?.hasPrefix("-----BEGIN RSA PRIVATE KEY-----") == true)
        let reread = try DKIMPrivateKey(pemRepresentation: try #require(pkcs1.pkcs1PEMRepresentation))
        #expect(reread.publicKey == pkcs8.publicKey)
        #expect(try DKIMPrivateKey.generate(.ed25519).pkcs1PEMRepresentation == nil)
    }

    @Test("refuses short RSA keys and text that is no key")
    func refusals() throws {
        #expect(throws: DKIMError.privateKeyTooShort(bits: 1024)) {
            try DKIMPrivateKey(pemRepresentation: try Fixture.text("rsa1024-pkcs1.pem"))
        }
        #expect(throws: DKIMError.unreadablePrivateKey) { try DKIMPrivateKey(pemRepresentation: "not a key") }
        #expect(throws: DKIMError.unreadablePrivateKey) {
            try DKIMPrivateKey(pemRepresentation: try Fixture.text("rsa2048-public.b64"))
        }
        #expect(throws: DKIMError.unreadablePrivateKey) { try DKIMPrivateKey(ed25519Seed: [1, 2, 3]) }
    }

    @Test("splits TXT values into character-strings of at most 255 octets")
    func txtSplitting() throws {
        let record = try DKIMPrivateKey.generate(.rsa3072).publicKey.txtRecordValue
        let strings = TXTRecordText.characterStrings(record)
        #expect(strings.count == 3)
        #expect(strings.allSatisfy { $0.utf8.count <= 255 })
        #expect(strings.joined() == record)
        #expect(TXTRecordText.characterStrings("short") == ["short"])
        #expect(TXTRecordText.characterStrings("") == [""])
        #expect(TXTRecordText.characterStrings("ééé", maximumLength: 3) == ["é", "é", "é"])
    }

    @Test("writes zone file data, quoted and in parentheses when split")
    func zoneFile() {
        let long = String(repeating: "a", count: 300)
        #expect(TXTRecordText.zoneFileData("v=DKIM1; p=") == "\"v=DKIM1; p=\"")
        #expect(TXTRecordText.zoneFileData("say \"hi\" \\o/") == "\"say \\\"hi\\\" \\\\o/\"")
        #expect(TXTRecordText.zoneFileData(long) == "( \"\(String(repeating: "a", count: 255))\" \"\(String(repeating: "a", count: 45))\" )")
        #expect(TXTRecordText.zoneFileRecord(name: "sel._domainkey.example.com.", value: "v=DKIM1; p=", ttl: 3600)
            == "sel._domainkey.example.com. 3600 IN TXT \"v=DKIM1; p=\"")
    }
}
