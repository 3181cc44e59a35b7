import SMTPProtocol
import Testing

/// Runs a fresh decoder over `input` in chunks of `chunkSize`; returns the first completion and
/// the bytes never fed because the data had already ended (which must be none: the decoder
/// gives them back as leftover instead).
private func decode(
    _ input: [UInt8], chunkSize: Int, maximumMessageSize: Int = 4096, maximumHeaderSectionSize: Int = 256 * 1024
) -> MessageDataDecoder.Progress {
    var decoder = MessageDataDecoder(
        maximumMessageSize: maximumMessageSize, maximumHeaderSectionSize: maximumHeaderSectionSize)
    var start = 0
    var leftoverAfterEnd: [UInt8] = []
    var completion: MessageDataDecoder.Outcome?
    while start < input.count {
        let end = min(input.count, start + chunkSize)
        let progress = decoder.decode(input[start..<end])
        start = end
        if case .complete(let outcome, let leftover) = progress {
            if completion == nil { completion = outcome }
            leftoverAfterEnd += leftover
        }
    }
    guard let completion else { return .needMoreData }
    return .complete(completion, leftover: leftoverAfterEnd)
}

/// Decodes byte by byte, in chunks and all at once, checks that all agree, and returns the result.
private func decodeEveryWay(
    _ text: String, maximumMessageSize: Int = 4096, maximumHeaderSectionSize: Int = 256 * 1024,
    sourceLocation: SourceLocation = #_sourceLocation
) -> MessageDataDecoder.Progress {
    let input = Array(text.utf8)
    let whole = decode(input, chunkSize: max(input.count, 1), maximumMessageSize: maximumMessageSize,
                       maximumHeaderSectionSize: maximumHeaderSectionSize)
    for chunkSize in [1, 2, 5, 13] {
        let chunked = decode(input, chunkSize: chunkSize, maximumMessageSize: maximumMessageSize,
                             maximumHeaderSectionSize: maximumHeaderSectionSize)
        #expect(chunked == whole, "chunks of \(chunkSize)", sourceLocation: sourceLocation)
    }
    return whole
}

private func accepted(_ message: String, leftover: String = "") -> MessageDataDecoder.Progress {
    .complete(.accepted(Array(message.utf8)), leftover: Array(leftover.utf8))
}

private func rejected(_ error: SMTPProtocolError, leftover: String = "") -> MessageDataDecoder.Progress {
    .complete(.rejected(error), leftover: Array(leftover.utf8))
}

@Suite struct MessageDataDecoderTests {
    @Test("a message ends at CRLF.CRLF and keeps the CRLF before the dot")
    func simpleMessage() {
        #expect(decodeEveryWay("Subject: hi\r\n\r\nHello\r\n.\r\n") == accepted("Subject: hi\r\n\r\nHello\r\n"))
    }

    @Test("a leading dot is removed from each line (RFC 5321 §4.5.2)")
    func dotUnstuffing() {
        #expect(decodeEveryWay("Subject: x\r\n\r\n..leading\r\n...\r\n..\r\n.\r\n")
            == accepted("Subject: x\r\n\r\n.leading\r\n..\r\n.\r\n"))
    }

    @Test("without the final dot the decoder waits for more")
    func incomplete() {
        #expect(decodeEveryWay("Subject: x\r\n\r\nbody\r\n") == .needMoreData)
        #expect(decodeEveryWay("Subject: x\r\n\r\nbody\r\n.") == .needMoreData)
        #expect(decodeEveryWay("Subject: x\r\n\r\nbody\r\n.\r") == .needMoreData)
    }

    @Test("bytes after the final dot are returned as pipelined leftovers")
    func leftoverAfterDot() {
        #expect(decodeEveryWay("Subject: x\r\n\r\nbody\r\n.\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\n")
            == accepted("Subject: x\r\n\r\nbody\r\n", leftover: "MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\n"))
    }

    @Test("a spent decoder returns its outcome again and gives every byte back")
    func spentDecoder() {
        var decoder = MessageDataDecoder(maximumMessageSize: 100)
        _ = decoder.decode(Array("Subject: x\r\n.\r\n".utf8))
        #expect(decoder.decode(Array("QUIT\r\n".utf8)) == accepted("Subject: x\r\n", leftover: "QUIT\r\n"))
    }

    /// SMTP smuggling inputs: none may end the data, all are refused, and what follows them is
    /// consumed as (refused) content up to the real end, never handed back as commands.
    static let smugglingCases: [Wire] = [
        "Subject: x\r\n\r\nhi\n.\nMAIL FROM:<evil@x.test>\nRCPT TO:<v@y.test>\nDATA\n",
        "Subject: x\r\n\r\nhi\r.\rMAIL FROM:<evil@x.test>\r",
        "Subject: x\r\n\r\nhi\r\n.\nMAIL FROM:<evil@x.test>\r\n",
        "Subject: x\r\n\r\nhi\n.\r\nMAIL FROM:<evil@x.test>\r\n",
        "Subject: x\r\n\r\nhi\r.\r\nMAIL FROM:<evil@x.test>\r\n",
        "Subject: x\r\n\r\nhi\r\n.\rMAIL FROM:<evil@x.test>\r\n",
        "Subject: x\r\n\r\nbare\nLF in the middle\r\n",
        "Subject: x\r\n\r\nbare\rCR in the middle\r\n",
        "Subject: x\nTo: y\r\n\r\nbody\r\n",
        "Subject: x\r\n\r\nends with bare CR\r\r\n",
    ]

    @Test("a bare CR or LF refuses the message with 554 5.6.0 and only CRLF.CRLF ends it",
          arguments: smugglingCases)
    func smuggling(prefix: Wire) {
        #expect(decodeEveryWay(prefix.text) == .needMoreData)
        #expect(decodeEveryWay(prefix.text + "\r\n.\r\nNOOP\r\n") == rejected(.bareLineEnding, leftover: "NOOP\r\n"))
    }

    @Test("an empty message has no header section")
    func emptyMessage() {
        #expect(decodeEveryWay(".\r\n") == rejected(.messageParseError))
    }

    @Test("a message starting with an empty line or a non-header line has no header section",
          arguments: [
            "\r\nbody\r\n.\r\n", "Hello world\r\n.\r\n", " folded: first\r\n\r\nb\r\n.\r\n", ": x\r\n.\r\n",
            "X-Ünicode: a field name must be ASCII\r\n.\r\n",
          ])
    func noHeaderSection(input: Wire) {
        #expect(decodeEveryWay(input.text) == rejected(.messageParseError))
    }

    @Test("header sections that are accepted",
          arguments: [
            "Subject: x\r\n.\r\n",
            "Subject: a\r\n b\r\n\tc\r\n\r\nbody\r\n.\r\n",
            "Subject : obsolete blank before colon\r\n\r\n.\r\n",
            "Subject: x\r\nnot a header line starts the body\r\n.\r\n",
            "Subject: ünicode in a field body is fine\r\n\r\n.\r\n",
          ])
    func headerSectionAccepted(input: Wire) {
        #expect(decodeEveryWay(input.text) == accepted(String(input.text.utf8.dropLast(3))!))
    }

    @Test("a header section over its limit is refused, one at the limit is not")
    func headerSectionLimit() {
        let atLimit = "X: " + String(repeating: "a", count: 59) + "\r\n"  // 64 bytes with CRLF
        #expect(decodeEveryWay(atLimit + "\r\nbody\r\n.\r\n", maximumHeaderSectionSize: 64)
            == accepted(atLimit + "\r\nbody\r\n"))
        let overLimit = "X: " + String(repeating: "a", count: 60) + "\r\n"
        #expect(decodeEveryWay(overLimit + "\r\nbody\r\n.\r\n", maximumHeaderSectionSize: 64)
            == rejected(.messageParseError))
    }

    @Test("the body is not counted against the header limit")
    func bodyNotCountedAsHeader() {
        let body = String(repeating: "b", count: 200) + "\r\n"
        #expect(decodeEveryWay("S: x\r\n\r\n" + body + ".\r\n", maximumHeaderSectionSize: 64)
            == accepted("S: x\r\n\r\n" + body))
    }

    @Test("a text line of 1000 octets with CRLF is accepted, 1001 is refused with 500 5.5.2")
    func textLineLimit() {
        let longest = String(repeating: "x", count: 998)
        #expect(decodeEveryWay("S: x\r\n\r\n" + longest + "\r\n.\r\n")
            == accepted("S: x\r\n\r\n" + longest + "\r\n"))
        #expect(decodeEveryWay("S: x\r\n\r\n" + longest + "y\r\n.\r\nQUIT\r\n")
            == rejected(.lineTooLong, leftover: "QUIT\r\n"))
    }

    @Test("the stuffing dot counts toward the line length as sent")
    func stuffingDotCounts() {
        #expect(decodeEveryWay("S: x\r\n\r\n." + String(repeating: "x", count: 998) + "\r\n.\r\n")
            == rejected(.lineTooLong))
    }

    @Test("a message at the size limit is accepted")
    func sizeAtLimit() {
        let message = "S: x\r\n\r\n" + String(repeating: "m", count: 90) + "\r\n"  // 100 bytes
        #expect(decodeEveryWay(message + ".\r\n", maximumMessageSize: 100) == accepted(message))
    }

    @Test("a message over the size limit is drained to its end and refused with 552")
    func sizeOverLimitDrains() {
        let body = String(repeating: String(repeating: "m", count: 78) + "\r\n", count: 50)
        #expect(decodeEveryWay("S: x\r\n\r\n" + body + ".\r\nQUIT\r\n", maximumMessageSize: 100)
            == rejected(.messageTooLarge, leftover: "QUIT\r\n"))
    }

    @Test("the first refusal wins: an oversize message with a later bare LF gets 552")
    func firstFailureWins() {
        let body = String(repeating: "m", count: 200) + "\r\nthen a bare\nLF\r\n"
        #expect(decodeEveryWay("S: x\r\n\r\n" + body + ".\r\n", maximumMessageSize: 100) == rejected(.messageTooLarge))
    }

    @Test("when one byte breaks both the line and the size limit, the line limit is reported",
          arguments: [(1006, SMTPProtocolError.lineTooLong), (1005, .messageTooLarge), (2000, .lineTooLong)])
    func simultaneousLimits(maximumMessageSize: Int, error: SMTPProtocolError) {
        // 8 header bytes, then a 999-octet line: its 999th octet breaks the 1000-octet line limit.
        let input = "S: x\r\n\r\n" + String(repeating: "x", count: 999) + "\r\n.\r\n"
        #expect(decodeEveryWay(input, maximumMessageSize: maximumMessageSize) == rejected(error))
    }

    @Test("a large oversize message streams through in bounded chunks")
    func largeOversizeMessage() {
        var decoder = MessageDataDecoder(maximumMessageSize: 1000)
        _ = decoder.decode(Array("S: x\r\n\r\n".utf8))
        let chunk = Array(String(repeating: String(repeating: "z", count: 62) + "\r\n", count: 1024).utf8)
        for _ in 0..<64 {
            #expect(decoder.decode(chunk) == .needMoreData)
        }
        #expect(decoder.decode(Array(".\r\n".utf8)) == rejected(.messageTooLarge))
    }
}

@Suite struct HeaderSectionScannerTests {
    private func scan(_ text: String, limit: Int = 1024) -> (accepted: Bool, complete: Bool, finished: Bool) {
        var scanner = HeaderSectionScanner(maximumSize: limit)
        let accepted = text.utf8.allSatisfy { scanner.consume($0) }
        return (accepted, scanner.isComplete, scanner.finish())
    }

    @Test("the section is complete at the empty line")
    func completeAtEmptyLine() {
        #expect(scan("A: 1\r\nB: 2\r\n").complete == false)
        #expect(scan("A: 1\r\nB: 2\r\n\r\n") == (true, true, true))
    }

    @Test("nothing at all is no header section")
    func nothingIsNoSection() {
        #expect(scan("").finished == false)
        #expect(scan("\r\n").accepted == false)
    }

    @Test("bytes after the section are not counted")
    func bodyIsFree() {
        #expect(scan("A: 1\r\n\r\n" + String(repeating: "b", count: 5000), limit: 8).accepted)
        #expect(scan("A: 12345\r\n", limit: 8).accepted == false)
    }
}
