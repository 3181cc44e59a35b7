import Foundation
import MailMessage
import Testing
@testable import DKIM

@Suite("Reading DKIM-Signature fields (RFC 6376 §3.5, §6.1.1)")
struct DKIMSignatureTests {
    private static let valid = "v=1; a=ed25519-sha256; c=relaxed/relaxed; d=Example.com; s=Sel; t=100; x=200; l=5; i=user@mail.example.com; q=dns/txt; h=From : To; bh=AAAA; b=AA AA"

    private func parse(_ value: String) throws -> DKIMSignature.ParseResult {
        DKIMSignature.parse(try #require(HeaderField(raw: Array("DKIM-Signature: \(value)".utf8))))
    }

    @Test("reads every tag")
    func readsTags() throws {
        guard case .valid(let signature) = try parse(Self.valid) else {
            Issue.record("refused")
            return
        }
        #expect(signature.keyType == .ed25519)
        #expect(signature.canonicalization == .relaxed)
        #expect(signature.domain == "example.com")
        #expect(signature.selector == "sel")
        #expect(signature.signedHeaderNames == ["from", "to"])
        #expect(signature.bodyHash == [0, 0, 0])
        #expect(signature.signature == [0, 0, 0])
        #expect(signature.timestamp == 100)
        #expect(signature.expiration == 200)
        #expect(signature.bodyLength == 5)
        #expect(signature.identity == "user@mail.example.com")
    }

    @Test("c= defaults to simple/simple")
    func defaultCanonicalization() throws {
        guard case .valid(let signature) = try parse("v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AAAA; b=AAAA") else {
            Issue.record("refused")
            return
        }
        #expect(signature.canonicalization == Canonicalization(header: .simple, body: .simple))
    }

    @Test("refuses what §6.1.1 refuses", arguments: [
        (Self.valid.replacingOccurrences(of: "v=1; ", with: ""), DKIMVerificationFailure.malformedSignature("v= missing")),
        (Self.valid.replacingOccurrences(of: "bh=AAAA; ", with: ""), .malformedSignature("bh= missing")),
        (Self.valid.replacingOccurrences(of: "v=1", with: "v=2"), .malformedSignature("v= is not 1")),
        (Self.valid.replacingOccurrences(of: "ed25519-sha256", with: "rsa-sha1"), .unsupportedAlgorithm("rsa-sha1")),
        (Self.valid.replacingOccurrences(of: "h=From : To", with: "h=To"), .fromNotSigned),
        (Self.valid.replacingOccurrences(of: "relaxed/relaxed", with: "fancy"), .malformedSignature("c= is not a canonicalization")),
        (Self.valid.replacingOccurrences(of: "mail.example.com", with: "example.net"), .malformedSignature("i= is not within d=")),
        (Self.valid.replacingOccurrences(of: "q=dns/txt", with: "q=http"), .malformedSignature("q= does not allow dns/txt")),
        (Self.valid.replacingOccurrences(of: "t=100", with: "t=soon"), .malformedSignature("t= is not a number")),
        (Self.valid.replacingOccurrences(of: "x=200", with: "x=50"), .malformedSignature("x= is before t=")),
        (Self.valid.replacingOccurrences(of: "b=AA AA", with: "b=!!"), .malformedSignature("bh= or b= is not base64")),
        ("not a tag list", .malformedSignature("not a tag-list")),
    ])
    func refuses(value: String, failure: DKIMVerificationFailure) throws {
        #expect(try parse(value) == .invalid(failure))
        #expect(!failure.description.isEmpty)
    }

    @Test("a t=s key refuses an i= below d= (RFC 6376 §3.6.1)")
    func strictIdentity() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        let message = try ParsedMessage(parsing: Array("From: a@mail.example.com\r\n\r\nHi\r\n".utf8))
        let bodyHash = SigningInput.bodyHash(message.body, algorithm: .relaxed)
        let signer = try DKIMSigner(domain: try #require(.init("example.com")), selector: "s", privateKey: key)
        let unsigned = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; i=a@mail.example.com; s=s; h=from; bh=\(bodyHash.base64); b="
        let signature = try signer.signatureValue(unsignedField: unsigned, message: message, signedNames: ["from"], canonicalization: .relaxed)
        let signed = Array((unsigned + signature.base64 + "\r\n").utf8) + message.bytes
        let record = key.publicKey.txtRecordValue
        #expect(DKIMVerifier.verify(signed, keyRecord: record).passed)
        #expect(DKIMVerifier.verify(signed, keyRecord: record + "; t=y:s") == .fail(.strictIdentityMismatch))
    }

    @Test("blanking b= keeps bh= and everything around the value")
    func removesSignatureValue() throws {
        let field = try #require(HeaderField(raw: Array("DKIM-Signature: a=x; b=AB\r\n CD==; bh=EF; c=y".utf8)))
        let blanked = SigningInput.removingSignatureValue(field)
        #expect(String(decoding: blanked.raw, as: UTF8.self) == "DKIM-Signature: a=x; b=; bh=EF; c=y")
        let last = try #require(HeaderField(raw: Array("DKIM-Signature: bh=EF;\r\n b=AB CD".utf8)))
        #expect(String(decoding: SigningInput.removingSignatureValue(last).raw, as: UTF8.self) == "DKIM-Signature: bh=EF;\r\n b=")
    }

    @Test("an expired signature fails once x= has passed, and l= limits the body")
    func expiryAndLength() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        let message = try ParsedMessage(parsing: Array("From: a@example.com\r\n\r\nHello world\r\n".utf8))
        let bodyHash = SigningInput.bodyHash(message.body, algorithm: .relaxed, length: 5) ?? []
        let signer = try DKIMSigner(domain: try #require(.init("example.com")), selector: "s", privateKey: key)
        let unsigned = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=s; t=100; x=200; l=5; h=from; bh=\(bodyHash.base64); b="
        let signature = try signer.signatureValue(unsignedField: unsigned, message: message, signedNames: ["from"], canonicalization: .relaxed)
        let signed = Array((unsigned + signature.base64 + "\r\n").utf8) + message.bytes
        let record = key.publicKey.txtRecordValue
        #expect(DKIMVerifier.verify(signed, keyRecord: record, now: .init(timeIntervalSince1970: 150)).passed)
        #expect(DKIMVerifier.verify(signed, keyRecord: record, now: .init(timeIntervalSince1970: 201)) == .fail(.expired))
        let extended = signed + Array("More text appended by a list.\r\n".utf8)
        #expect(DKIMVerifier.verify(extended, keyRecord: record).passed)
        #expect(DKIMVerifier.verify(Array("From: a@example.com\r\n\r\n".utf8), keyRecord: record) == .fail(.noSignature))
        #expect(DKIMVerifier.verify(signed, keyRecord: record + "; t=s").passed)
        #expect(DKIMVerifier.verify(Array("\r\n".utf8), keyRecord: record) == .fail(.unparseableMessage))
    }
}

private extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}
