import Foundation
import Testing
@testable import DKIM

@Suite("DKIM key records (RFC 6376 §3.2, §3.6.1) and their diagnoses")
struct DKIMKeyRecordTests {
    private static let rsa2048 = (try? Fixture.text("rsa2048-public.b64")) ?? ""
    private static let ed25519 = (try? Fixture.text("ed25519-public.b64")) ?? ""

    @Test("reads well-formed records, tolerating folding, case and unknown tags")
    func validRecords() throws {
        for text in [
            "v=DKIM1; k=rsa; p=\(Self.rsa2048)",
            "p=\(Self.rsa2048)",
            "v=DKIM1;k=rsa;p=\(Self.rsa2048);",
            "v=DKIM1; k=rsa; p=\(Self.rsa2048.prefix(100))\r\n \(Self.rsa2048.dropFirst(100))",
            "v=DKIM1; h=sha1:sha256; s=email; t=y:s; n=notes here; x_unknown=1; k=rsa; p=\(Self.rsa2048)",
            "  v = DKIM1 ;\tk = rsa ; p = \(Self.rsa2048)  ",
        ] {
            guard case .valid(let record) = DKIMKeyRecord.parse(text) else {
                Issue.record("\(text) → \(DKIMKeyRecord.parse(text))")
                continue
            }
            #expect(record.publicKey.keyType == .rsa)
            #expect(record.publicKey.keySizeInBits == 2048)
            #expect(record.publicKey.base64 == Self.rsa2048)
        }
        guard case .valid(let full) = DKIMKeyRecord.parse("v=DKIM1; h=sha1:sha256; s=email; t=y:s; n=hi; p=\(Self.rsa2048)") else {
            Issue.record("full record refused")
            return
        }
        #expect(full.hashAlgorithms == ["sha1", "sha256"])
        #expect(full.serviceTypes == ["email"])
        #expect(full.flags == ["y", "s"])
        #expect(full.isTesting)
        #expect(full.notes == "hi")
        guard case .valid(let ed) = DKIMKeyRecord.parse("v=DKIM1; k=ed25519; p=\(Self.ed25519)") else {
            Issue.record("ed25519 record refused")
            return
        }
        #expect(ed.publicKey.keyType == .ed25519)
        #expect(ed.publicKey.keySizeInBits == 256)
    }

    @Test("joins TXT character-strings with nothing between them (§3.6.2.2)")
    func characterStrings() {
        let strings = TXTRecordText.characterStrings("v=DKIM1; k=rsa; p=\(Self.rsa2048)")
        #expect(strings.count == 2)
        #expect(DKIMKeyRecord.parse(characterStrings: strings) == DKIMKeyRecord.parse("v=DKIM1; k=rsa; p=\(Self.rsa2048)"))
    }

    @Test("an empty p= means a revoked key")
    func revoked() {
        #expect(DKIMKeyRecord.parse("v=DKIM1; k=rsa; p=") == .revoked)
        #expect(DKIMKeyRecord.parse("v=DKIM1; p= ;") == .revoked)
    }

    @Test("says precisely what is wrong", arguments: [
        ("", DKIMKeyRecordProblem.empty),
        ("   ;  ", .empty),
        ("v=DKIM1; k=rsa", .missingPublicKey),
        ("v=DKIM1; k=rsa; p=\"MIIBIjAN\"", .publicKeyNotBase64),
        ("v=DKIM1; k=rsa; p=MIIB\\IjAN", .publicKeyNotBase64),
        ("v=DKIM1; k=rsa; p=AB=C", .publicKeyNotBase64),
        ("v=DKIM1; k=rsa p=MIIBIjANBgkq", .missingSemicolon(after: "k", before: "p")),
        ("v=DKIM1 k=rsa; p=MIIBIjANBgkq", .missingSemicolon(after: "v", before: "k")),
        ("v=DKIM2; k=rsa; p=MIIBIjANBgkq", .unsupportedVersion("DKIM2")),
        ("k=rsa; v=DKIM1; p=MIIBIjANBgkq", .versionNotFirst),
        ("v=DKIM1; k=dsa; p=MIIBIjANBgkq", .unknownKeyType("dsa")),
        ("v=DKIM1; k=rsa; k=rsa; p=MIIB", .duplicateTag("k")),
        ("v=DKIM1; rsa; p=MIIB", .malformedTag("rsa")),
        ("v=DKIM1; 1k=rsa; p=MIIB", .invalidTagName("1k")),
        ("v=DKIM1; h=sha1; p=MIIB", .sha256NotAllowed(["sha1"])),
        ("v=DKIM1; s=tlsrpt; p=MIIB", .notForEmail(["tlsrpt"])),
        ("v=DKIM1; k=rsa; p=AAAA", .invalidPublicKey(.rsa)),
        ("v=DKIM1; k=ed25519; p=AAAA", .publicKeyTruncated(.ed25519, expectedOctets: 32, actualOctets: 3)),
    ])
    func problems(text: String, problem: DKIMKeyRecordProblem) {
        #expect(DKIMKeyRecord.parse(text) == .invalid(problem))
        #expect(!problem.description.isEmpty)
    }

    @Test("a key cut at a character-string boundary is reported as truncated, with sizes")
    func truncatedRSA() {
        let record = "v=DKIM1; k=rsa; p=\(Self.rsa2048)"
        let firstString = TXTRecordText.characterStrings(record)[0]
        guard case .invalid(.publicKeyTruncated(.rsa, let expected, let actual)) = DKIMKeyRecord.parse(firstString) else {
            Issue.record("\(DKIMKeyRecord.parse(firstString))")
            return
        }
        #expect(expected == 294)
        #expect(actual < expected)
        let cutOnQuantum = "v=DKIM1; k=rsa; p=\(Self.rsa2048.prefix(200))"
        #expect(DKIMKeyRecord.parse(cutOnQuantum) == .invalid(.publicKeyTruncated(.rsa, expectedOctets: 294, actualOctets: 150)))
    }

    @Test("a key of the other type than k= says so")
    func typeMismatch() {
        #expect(DKIMKeyRecord.parse("v=DKIM1; p=\(Self.ed25519)")
            == .invalid(.keyTypeMismatch(declared: .rsa, found: .ed25519)))
        #expect(DKIMKeyRecord.parse("v=DKIM1; k=ed25519; p=\(Self.rsa2048)")
            == .invalid(.keyTypeMismatch(declared: .ed25519, found: .rsa)))
    }

    @Test("RSA keys under 1024 bits are too short (RFC 8301 §3.2)")
    func shortKey() throws {
        let short = try Fixture.text("rsa512-public.b64")
        #expect(DKIMKeyRecord.parse("v=DKIM1; p=\(short)") == .invalid(.keyTooShort(bits: 512)))
        #expect(DERReader.rsaModulusBits(Array(try #require(Data(base64Encoded: short)))) == 512)
        #expect(DERReader.rsaModulusBits(Array(try #require(Data(base64Encoded: Self.rsa2048)))) == 2048)
        #expect(DERReader.rsaModulusBits([0x30, 0x03, 0x02, 0x01, 0x00]) == 0)
        #expect(DERReader.rsaModulusBits([0x04, 0x00]) == nil)
    }

    @Test("the same RSA key as PKCS#1 or SPKI compares equal")
    func rsaEncodings() throws {
        let der = Array(try #require(Data(base64Encoded: Self.rsa2048)))
        let spki = try #require(DKIMPublicKey(keyType: .rsa, bytes: der))
        let pkcs1Start = 24  // SPKI header (19 octets) + BIT STRING header (4) + unused-bits octet
        let pkcs1 = try #require(DKIMPublicKey(keyType: .rsa, bytes: Array(der[pkcs1Start...])))
        #expect(spki == pkcs1)
    }
}
