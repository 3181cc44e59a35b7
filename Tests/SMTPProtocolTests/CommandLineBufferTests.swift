import SMTPProtocol
import Testing

/// Feeds `input` in chunks of `chunkSize` bytes and collects every line, as text or `<too long>`.
private func frame(_ input: [UInt8], chunkSize: Int, maximumLength: Int = 512) -> (lines: [String], remainder: Int) {
    var buffer = CommandLineBuffer()
    var lines: [String] = []
    var start = 0
    while start < input.count {
        let end = min(input.count, start + chunkSize)
        buffer.append(input[start..<end])
        start = end
        while let line = buffer.nextLine(maximumLength: maximumLength) {
            switch line {
            case .complete(let bytes): lines.append(String(decoding: bytes, as: UTF8.self))
            case .tooLong: lines.append("<too long>")
            }
        }
    }
    return (lines, buffer.bufferedByteCount)
}

/// Framing inputs, each checked byte by byte, all at once and in odd chunks.
let framingCases: [(name: String, input: String, lines: [String])] = [
    ("pipelined commands", "EHLO a\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n",
     ["EHLO a", "MAIL FROM:<a@b.c>", "RCPT TO:<d@e.f>", "DATA"]),
    ("a bare LF ends a command line", "NOOP\nQUIT\r\n", ["NOOP", "QUIT"]),
    ("an empty line", "\r\nNOOP\r\n", ["", "NOOP"]),
    ("a CR inside a line stays in it", "NO\rOP\r\n", ["NO\rOP"]),
    ("a line at the limit", "NOOP " + String(repeating: "x", count: 505) + "\r\n",
     ["NOOP " + String(repeating: "x", count: 505)]),
    ("a line one octet over the limit, then a good one",
     "NOOP " + String(repeating: "x", count: 506) + "\r\nQUIT\r\n", ["<too long>", "QUIT"]),
    ("a bare-LF line counts as if it had CRLF",
     String(repeating: "y", count: 511) + "\nQUIT\r\n", ["<too long>", "QUIT"]),
    ("a very long line is reported once and dropped",
     String(repeating: "z", count: 5000) + "\r\nNOOP\r\n", ["<too long>", "NOOP"]),
]

@Suite struct CommandLineBufferTests {
    @Test("framing gives the same lines byte by byte, in chunks and all at once",
          arguments: framingCases.indices)
    func sameLinesWhateverTheChunks(index: Int) {
        let testCase = framingCases[index]
        let input = Array(testCase.input.utf8)
        for chunkSize in [1, 3, 7, 64, input.count] {
            let result = frame(input, chunkSize: chunkSize)
            #expect(result.lines == testCase.lines, "\(testCase.name), chunks of \(chunkSize)")
            #expect(result.remainder == 0)
        }
    }

    @Test("a pipelined stream parses to the same commands byte by byte and all at once")
    func pipelinedStreamParsesAlike() throws {
        let input = Array(validCommandRows.map { $0.line + "\r\n" }.joined().utf8)
        for chunkSize in [1, input.count] {
            let lines = frame(input, chunkSize: chunkSize).lines
            #expect(lines.count == validCommandRows.count)
            for (line, row) in zip(lines, validCommandRows) {
                let command = try SMTPCommandParser.parse(Array(line.utf8), allowsUTF8Addresses: row.allowsUTF8)
                #expect(command == row.expected)
            }
        }
    }

    @Test("an endless line never holds more than the limit")
    func endlessLineIsBounded() {
        var buffer = CommandLineBuffer()
        var reports = 0
        for _ in 0..<1000 {
            buffer.append([UInt8](repeating: UInt8(ascii: "a"), count: 100))
            while let line = buffer.nextLine(maximumLength: 512) {
                #expect(line == .tooLong)
                reports += 1
            }
            #expect(buffer.bufferedByteCount < 512)
        }
        #expect(reports == 1)
        buffer.append(Array("tail\r\nNOOP\r\n".utf8))
        #expect(buffer.nextLine(maximumLength: 512) == .complete(Array("NOOP".utf8)))
    }

    @Test("a partial line waits for its end")
    func partialLineWaits() {
        var buffer = CommandLineBuffer()
        buffer.append(Array("NOO".utf8))
        #expect(buffer.nextLine(maximumLength: 512) == nil)
        buffer.append(Array("P\r".utf8))
        #expect(buffer.nextLine(maximumLength: 512) == nil)
        buffer.append([0x0A])
        #expect(buffer.nextLine(maximumLength: 512) == .complete(Array("NOOP".utf8)))
        #expect(buffer.nextLine(maximumLength: 512) == nil)
    }

    @Test("the bytes after the last line are handed over raw, for DATA")
    func takeBufferedBytes() {
        var buffer = CommandLineBuffer()
        buffer.append(Array("DATA\r\nSubject: x\n.\r\n".utf8))
        #expect(buffer.nextLine(maximumLength: 512) == .complete(Array("DATA".utf8)))
        #expect(buffer.takeBufferedBytes() == Array("Subject: x\n.\r\n".utf8))
        #expect(buffer.bufferedByteCount == 0)
    }

    @Test("discarding drops pending lines and an over-long line in progress")
    func discardBufferedBytes() {
        var buffer = CommandLineBuffer()
        buffer.append([UInt8](repeating: 0x41, count: 600))
        #expect(buffer.nextLine(maximumLength: 512) == .tooLong)
        buffer.discardBufferedBytes()
        buffer.append(Array("NOOP\r\n".utf8))
        #expect(buffer.nextLine(maximumLength: 512) == .complete(Array("NOOP".utf8)))
    }

    @Test("the length limit is chosen per line (longer for AUTH exchanges)")
    func perLineLimit() {
        var buffer = CommandLineBuffer()
        let long = String(repeating: "Q", count: 1000)
        buffer.append(Array((long + "\r\n" + long + "\r\n").utf8))
        #expect(buffer.nextLine(maximumLength: 512) == .tooLong)
        #expect(buffer.nextLine(maximumLength: 12288) == .complete(Array(long.utf8)))
    }
}
