import SMTPProtocol
import Testing

@Suite struct SMTPReplyParserTests {
    /// Parses `text` fed in chunks of `chunkSize`; returns the replies, or the error.
    static func parse(_ text: String, chunkSize: Int = 100_000) -> Result<[SMTPReply], SMTPClientError> {
        var parser = SMTPReplyParser(maximumLineLength: 64, maximumLineCount: 4)
        var replies: [SMTPReply] = []
        var bytes = Array(text.utf8)[...]
        do {
            while !bytes.isEmpty {
                parser.append(bytes.prefix(chunkSize))
                bytes = bytes.dropFirst(chunkSize)
                while let reply = try parser.nextReply() { replies.append(reply) }
            }
        } catch {
            return .failure(error)
        }
        return .success(replies)
    }

    static func reply(_ code: Int, _ enhanced: EnhancedStatusCode? = nil, _ lines: String...) -> SMTPReply {
        SMTPReply(code: SMTPReplyCode(rawValue: code)!, enhancedStatusCode: enhanced, lines: lines)
    }

    @Test("well-formed replies parse the same byte by byte, in chunks and at once",
          arguments: [
            ("220 mx.test ESMTP\r\n", [reply(220, nil, "mx.test ESMTP")]),
            ("250\r\n", [reply(250, nil, "")]),
            ("334 \r\n", [reply(334, nil, "")]),
            ("250 2.1.0 Ok\r\n", [reply(250, .senderAccepted, "Ok")]),
            ("250-mx.test\r\n250-PIPELINING\r\n250 SIZE 10\r\n", [reply(250, nil, "mx.test", "PIPELINING", "SIZE 10")]),
            ("550-5.1.1 No such\r\n550 5.1.1 user here\r\n", [reply(550, EnhancedStatusCode(5, 1, 1), "No such", "user here")]),
            ("254 4.7.1 Suppression for user u to r\r\n", [reply(254, .deliveryNotAuthorized, "Suppression for user u to r")]),
            ("250 mx.test\n", [reply(250, nil, "mx.test")]),
            ("250 1.2.3 not a class\r\n", [reply(250, nil, "1.2.3 not a class")]),
            ("250 2.0.0\r\n", [reply(250, .success, "")]),
            ("250 2.1.0 a\r\n250 2.1.5 b\r\n354 go\r\n",
             [reply(250, .senderAccepted, "a"), reply(250, .recipientAccepted, "b"), reply(354, nil, "go")]),
          ] as [(String, [SMTPReply])])
    func wellFormed(text: String, expected: [SMTPReply]) {
        for chunkSize in [1, 2, 3, 7, 100_000] {
            #expect(Self.parse(text, chunkSize: chunkSize) == .success(expected), "chunk size \(chunkSize)")
        }
    }

    @Test("a partial reply waits for the rest")
    func partial() throws {
        var parser = SMTPReplyParser()
        parser.append(Array("250-mx.test\r\n250 SIZ".utf8))
        #expect(try parser.nextReply() == nil)
        parser.append(Array("E 10\r\n".utf8))
        #expect(try parser.nextReply() == Self.reply(250, nil, "mx.test", "SIZE 10"))
        #expect(parser.bufferedByteCount == 0)
    }

    @Test("lines that are not replies are malformed (RFC 5321 §4.2)",
          arguments: ["hello\r\n", "25\r\n", "2500 x\r\n", "250x\r\n", "199 x\r\n", "600 x\r\n",
                      "250-a\r\n251 b\r\n", "2a0 x\r\n", "\r\n"])
    func malformed(text: String) {
        #expect(Self.parse(text) == .failure(.malformedReply))
        #expect(Self.parse(text, chunkSize: 1) == .failure(.malformedReply))
    }

    @Test("a line over the bound, or too many lines, is refused rather than buffered")
    func bounds() {
        #expect(Self.parse("250 " + String(repeating: "x", count: 100) + "\r\n") == .failure(.replyTooLong))
        #expect(Self.parse(String(repeating: "250-x\r\n", count: 5) + "250 x\r\n") == .failure(.replyTooLong))
        #expect(Self.parse(String(repeating: "250-x\r\n", count: 3) + "250 x\r\n") != .failure(.replyTooLong))
    }

    @Test("discarding drops buffered bytes and a half-read reply (RFC 3207 §4.2)")
    func discard() throws {
        var parser = SMTPReplyParser()
        parser.append(Array("250-injected\r\n250 ok\r\n".utf8))
        parser.discardBufferedBytes()
        #expect(try parser.nextReply() == nil)
        parser.append(Array("250-a\r\n".utf8))
        _ = try parser.nextReply()
        parser.discardBufferedBytes()
        parser.append(Array("220 fresh\r\n".utf8))
        #expect(try parser.nextReply() == Self.reply(220, nil, "fresh"))
    }

    @Test("a parsed reply renders back to the bytes it came from")
    func roundTrip() throws {
        let text = "250-mx.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"
        #expect(try Self.parse(text).get().first?.wireText == text)
        let enhanced = "550-5.1.1 No such\r\n550 5.1.1 user\r\n"
        #expect(try Self.parse(enhanced).get().first?.wireText == enhanced)
    }
}
