import EnvoiCore
import Foundation
import MailMessage
import Testing
@testable import DKIM

/// RFC 8463 Appendix A: the published example, signed twice by football.example.com, with
/// Ed25519 (selector brisbane) and RSA-1024 (selector test). Files in Resources:
/// `rfc8463-a3-signed.eml` (A.3), `rfc8463-brisbane.txt` and `rfc8463-test.txt` (A.2 records),
/// `rfc8463-brisbane-seed.b64` (A.1 Ed25519 private key).
@Suite("RFC 8463 Appendix A vector")
struct RFC8463VectorTests {
    private func signed() throws -> ParsedMessage {
        try ParsedMessage(parsing: try Fixture.bytes("rfc8463-a3-signed.eml"))
    }

    @Test("both published signatures verify with the published keys")
    func publishedSignaturesVerify() throws {
        let message = try Fixture.bytes("rfc8463-a3-signed.eml")
        let ed25519 = DKIMVerifier.verify(message, keyRecord: try Fixture.text("rfc8463-brisbane.txt"), signatureIndex: 0)
        let rsa = DKIMVerifier.verify(message, keyRecord: try Fixture.text("rfc8463-test.txt"), signatureIndex: 1)
        guard case .pass(let first) = ed25519, case .pass(let second) = rsa else {
            Issue.record("expected two passes, got \(ed25519) and \(rsa)")
            return
        }
        #expect(first.keyRecordName == "brisbane._domainkey.football.example.com")
        #expect(second.keyRecordName == "test._domainkey.football.example.com")
        #expect(first.signedHeaderNames == ["from", "to", "subject", "date", "message-id", "from", "subject", "date"])
    }

    @Test("the body hash is the published bh=")
    func bodyHash() throws {
        let hash = SigningInput.bodyHash(try signed().body, algorithm: .relaxed)
        #expect(Data(hash).base64EncodedString() == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
    }

    @Test("signing the published field with the A.1 key gives the published b= exactly")
    func reproducesEd25519Signature() throws {
        let seed = try #require(Data(base64Encoded: try Fixture.text("rfc8463-brisbane-seed.b64")))
        let key = try DKIMPrivateKey(ed25519Seed: Array(seed))
        #expect(key.publicKey.txtRecordValue == (try Fixture.text("rfc8463-brisbane.txt")))
        let signer = try DKIMSigner(
            domain: try #require(DomainName("football.example.com")), selector: "brisbane", privateKey: key)
        let unsigned = """
            DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r
             d=football.example.com; i=@football.example.com;\r
             q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r
             subject : date : message-id : from : subject : date;\r
             bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r
             b=
            """
        let signature = try signer.signatureValue(
            unsignedField: unsigned, message: try signed(),
            signedNames: ["from", "to", "subject", "date", "message-id", "from", "subject", "date"],
            canonicalization: .relaxed)
        #expect(Data(signature).base64EncodedString()
            == "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==")
    }

    @Test("what b= signs is the relaxed header, From/Subject/Date listed twice adding nothing")
    func signedData() throws {
        let message = try signed()
        let names = ["from", "to", "subject", "date", "message-id", "from", "subject", "date"]
        let field = try #require(message.header.fields.first)
        let selected = SigningInput.selectFields(message.header, names: names, excluding: 0)
        let data = SigningInput.headerData(
            selected, signatureField: SigningInput.removingSignatureValue(field), algorithm: .relaxed)
        #expect(String(decoding: data, as: UTF8.self) == """
            from:Joe SixPack <joe@football.example.com>\r
            to:Suzie Q <suzie@shopping.example.net>\r
            subject:Is dinner ready?\r
            date:Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r
            message-id:<20030712040037.46341.5F8J@football.example.com>\r
            dkim-signature:v=1; a=ed25519-sha256; c=relaxed/relaxed; d=football.example.com; \
            i=@football.example.com; q=dns/txt; s=brisbane; t=1528637909; h=from : to : subject : \
            date : message-id : from : subject : date; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=
            """)
    }

    @Test("tampering breaks the published signatures", arguments: [
        ("hungry", "angry", DKIMVerificationFailure.bodyHashMismatch),
        ("dinner", "lunch", .signatureMismatch),
        ("From: Joe", "From: Mallory <m@evil.example>\r\nFrom: Joe", .signatureMismatch),
        ("Message-ID:", "X-Added: unsigned\r\nMessage-ID:", nil),
        ("We lost the game.  Are", "We  lost the game. \tAre", nil),
    ])
    func tampering(original: String, replacement: String, failure: DKIMVerificationFailure?) throws {
        let text = try Fixture.text("rfc8463-a3-signed.eml").replacingOccurrences(of: original, with: replacement)
        for (index, record) in [(0, "rfc8463-brisbane.txt"), (1, "rfc8463-test.txt")] {
            let result = DKIMVerifier.verify(Array(text.utf8), keyRecord: try Fixture.text(record), signatureIndex: index)
            if let failure {
                #expect(result == .fail(failure))
            } else {
                #expect(result.passed, "\(result)")
            }
        }
    }

    @Test("the wrong key, a revoked key or a key of the other type do not verify")
    func wrongKeys() throws {
        let message = try Fixture.bytes("rfc8463-a3-signed.eml")
        let other = try DKIMPrivateKey.generate(.ed25519).publicKey.txtRecordValue
        #expect(DKIMVerifier.verify(message, keyRecord: other) == .fail(.signatureMismatch))
        #expect(DKIMVerifier.verify(message, keyRecord: "v=DKIM1; k=ed25519; p=") == .fail(.keyRevoked))
        #expect(DKIMVerifier.verify(message, keyRecord: try Fixture.text("rfc8463-test.txt"))
            == .fail(.keyTypeMismatch(signature: .ed25519, record: .rsa)))
        #expect(DKIMVerifier.verify(message, keyRecord: "v=DKIM1; k=ed25519", signatureIndex: 0)
            == .fail(.keyRecord(.missingPublicKey)))
        #expect(DKIMVerifier.verify(message, keyRecord: other, signatureIndex: 2) == .fail(.noSignature))
    }
}

/// Messages signed by dkimpy 1.1.8 (an independent implementation) with the RSA fixture key
/// (simple/simple) and the RFC 8463 A.1 Ed25519 key (relaxed/simple): they cover the simple
/// canonicalisations, which Envoi never signs with but must verify.
@Suite("Signatures made by dkimpy")
struct DkimpySignedTests {
    @Test("verify, and fail once the body changes", arguments: [
        ("dkimpy-rsa2048-simple-simple.eml", "rsa"),
        ("dkimpy-ed25519-relaxed-simple.eml", "ed25519"),
    ])
    func verifies(file: String, keyType: String) throws {
        let record = keyType == "rsa"
            ? "v=DKIM1; k=rsa; p=" + (try Fixture.text("rsa2048-public.b64"))
            : try Fixture.text("rfc8463-brisbane.txt")
        let message = try Fixture.bytes(file)
        let result = DKIMVerifier.verify(message, keyRecord: record)
        guard case .pass(let signature) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(signature.canonicalization.body == .simple)
        let text = String(decoding: message, as: UTF8.self)
        let trailingSpaceRemoved = text.replacingOccurrences(of: "Body  line \t\r\n", with: "Body  line\r\n")
        #expect(DKIMVerifier.verify(Array(trailingSpaceRemoved.utf8), keyRecord: record) == .fail(.bodyHashMismatch))
    }
}
