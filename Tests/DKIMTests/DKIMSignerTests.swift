import EnvoiCore
import Foundation
import MailMessage
import Testing
@testable import DKIM

@Suite("Signing (RFC 6376 §5, RFC 8463)")
struct DKIMSignerTests {
    static let message = """
        From: Alice <alice@example.com>\r
        To: bob@example.org, Carol <carol@example.net>\r
        Cc: dave@example.org\r
        Subject: Quarterly report\r
        Date: Fri, 01 Mar 2024 12:34:56 +0000\r
        Message-ID: <report-1@example.com>\r
        MIME-Version: 1.0\r
        Content-Type: text/plain; charset=utf-8\r
        X-Mailer: not signed\r
        \r
        Hello Bob,\r
        \r
        the figures are attached.  See you\tsoon.\r
        \r
        \r

        """

    private static let time = Date(timeIntervalSince1970: 1_709_296_496)

    private func signer(_ kind: DKIMPrivateKey.Kind) throws -> DKIMSigner {
        try DKIMSigner(domain: try #require(DomainName("example.com")), selector: "envoi1",
                       privateKey: try DKIMPrivateKey.generate(kind))
    }

    @Test("signed messages verify with the key's own record", arguments: DKIMPrivateKey.Kind.allCases)
    func signsAndVerifies(kind: DKIMPrivateKey.Kind) throws {
        let signer = try signer(kind)
        let signed = try signer.sign(Array(Self.message.utf8), at: Self.time)
        let result = DKIMVerifier.verify(signed, keyRecord: signer.privateKey.publicKey.txtRecordValue, now: Self.time)
        guard case .pass(let signature) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(signature.keyType == signer.privateKey.keyType)
        #expect(signature.domain == "example.com")
        #expect(signature.selector == "envoi1")
        #expect(signature.timestamp == 1_709_296_496)
        #expect(signature.keyRecordName == signer.keyRecordName)
        #expect(signer.keyRecordName == "envoi1._domainkey.example.com")
    }

    @Test("the field: tag order, over-signed From, lines of at most 78 characters")
    func fieldShape() throws {
        let signer = try signer(.rsa2048)
        let field = try signer.signatureField(for: Array(Self.message.utf8), at: Self.time)
        #expect(field.hasSuffix("\r\n"))
        let lines = String(decoding: field.utf8.dropLast(2), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        let parsed = try #require(HeaderField(raw: Array(field.utf8.dropLast(2))))
        guard case .tags(let tags) = TagList.parse(parsed.value) else {
            Issue.record("not a tag-list: \(field)")
            return
        }
        #expect(tags.tags.map(\.name) == ["v", "a", "c", "d", "s", "t", "h", "bh", "b"])
        #expect(tags.tags.prefix(6).map(\.value) == ["1", "rsa-sha256", "relaxed/relaxed", "example.com", "envoi1", "1709296496"])
        #expect(tags["h"]?.removingFoldingWhitespace() == "from:from:to:cc:subject:date:message-id:mime-version:content-type")
        let bodyHash = SigningInput.bodyHash(try ParsedMessage(parsing: Array(Self.message.utf8)).body, algorithm: .relaxed)
        #expect(tags["bh"] == Data(bodyHash).base64EncodedString())
        #expect(Data(base64Encoded: tags["b"]?.removingFoldingWhitespace() ?? "")?.count == 256)
    }

    @Test("h= lists each signed field as often as it occurs, From once more")
    func headerNames() throws {
        let signer = try signer(.ed25519)
        let header = try ParsedMessage(parsing: Array("From: a@example.com\r\nFrom: b@example.com\r\nReply-To: c@example.com\r\nSubject: x\r\nsubject: y\r\nX-Other: z\r\n\r\n".utf8)).header
        #expect(signer.headerNamesToSign(in: header) == ["from", "from", "from", "subject", "subject", "reply-to"])
        let noFrom = try ParsedMessage(parsing: Array("Subject: x\r\n\r\n".utf8)).header
        #expect(signer.headerNamesToSign(in: noFrom) == ["from", "subject"])
    }

    @Test("Ed25519 signing is deterministic: same key, message and time give the same field")
    func deterministicEd25519() throws {
        let signer = try signer(.ed25519)
        let first = try signer.signatureField(for: Array(Self.message.utf8), at: Self.time)
        let second = try signer.signatureField(for: Array(Self.message.utf8), at: Self.time)
        #expect(first == second)
    }

    @Test("changes after signing are caught; relaxed tolerates whitespace", arguments: [
        ("figures are attached", "figures are missing", DKIMVerificationFailure.bodyHashMismatch),
        ("Subject: Quarterly report", "Subject: Quarterly report!", .signatureMismatch),
        ("Cc: dave@example.org", "Cc: mallory@example.org", .signatureMismatch),
        ("From: Alice", "From: Mallory <m@evil.example>\r\nFrom: Alice", .signatureMismatch),
        // Only From is over-signed: a field the message did not have when signed may be added.
        ("Message-ID:", "Reply-To: other@example.org\r\nMessage-ID:", nil),
        ("X-Mailer: not signed", "X-Mailer: changed freely", nil),
        ("Subject: Quarterly report", "subject:   Quarterly\r\n   report", nil),
        ("See you\tsoon.", "See   you soon.   ", nil),
    ])
    func tampering(original: String, replacement: String, failure: DKIMVerificationFailure?) throws {
        let signer = try signer(.ed25519)
        let signed = String(decoding: try signer.sign(Array(Self.message.utf8), at: Self.time), as: UTF8.self)
        let changed = signed.replacingOccurrences(of: original, with: replacement)
        let result = DKIMVerifier.verify(Array(changed.utf8), keyRecord: signer.privateKey.publicKey.txtRecordValue)
        if let failure {
            #expect(result == .fail(failure))
        } else {
            #expect(result.passed, "\(result)")
        }
    }

    @Test("a message with an empty body signs the relaxed empty-body hash")
    func emptyBody() throws {
        let signer = try signer(.rsa2048)
        let bytes = Array("From: a@example.com\r\nSubject: empty\r\n\r\n".utf8)
        let signed = try signer.sign(bytes, at: Self.time)
        #expect(DKIMVerifier.verify(signed, keyRecord: signer.privateKey.publicKey.txtRecordValue).passed)
        // RFC 6376 §3.4.4: the relaxed empty body is empty; its SHA-256 is the well-known e3b0….
        #expect(String(decoding: signed, as: UTF8.self).contains("bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="))
    }

    @Test("refuses bad selectors and unparseable messages")
    func refusals() throws {
        let key = try DKIMPrivateKey.generate(.ed25519)
        let domain = try #require(DomainName("example.com"))
        #expect(throws: DKIMError.invalidSelector("bad selector")) {
            try DKIMSigner(domain: domain, selector: "bad selector", privateKey: key)
        }
        #expect(throws: DKIMError.invalidSelector("")) { try DKIMSigner(domain: domain, selector: "", privateKey: key) }
        let signer = try DKIMSigner(domain: domain, selector: "s1.rotation", privateKey: key)
        #expect(throws: DKIMError.unparseableMessage(.noHeaderSection)) { try signer.sign(Array("\r\nbody".utf8), at: Self.time) }
    }
}
