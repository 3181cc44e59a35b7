@testable import SMTPLoad
import Testing

/// The no-op sink speaks correct SMTP: every command gets its reply, DATA ends only at CRLF.CRLF.
@Suite struct SinkSessionTests {
    /// Feeds `text` in chunks and returns every reply line, with `[tls]` and `[close]` markers.
    static func transcript(_ text: String, chunkSize: Int = 100_000, offersTLS: Bool = true) -> [String] {
        var session = SinkSession(offersTLS: offersTLS)
        var output = String(decoding: session.greeting(), as: UTF8.self)
        let bytes = Array(text.utf8)
        for start in stride(from: 0, to: bytes.count, by: chunkSize) {
            for item in session.receive(bytes[start..<min(start + chunkSize, bytes.count)]) {
                switch item {
                case .reply(let reply): output += String(decoding: reply, as: UTF8.self)
                case .startTLS:
                    output += "[tls]\r\n"
                    session.tlsEstablished()
                case .close: output += "[close]\r\n"
                }
            }
        }
        return output.split(separator: "\r\n").map(String.init)
    }

    static let submission = "EHLO c\r\nMAIL FROM:<a@b.c> SIZE=10\r\nRCPT TO:<d@e.f>\r\nDATA\r\n"
        + "Subject: x\r\n\r\n..dot\r\n.\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\nDATA\r\n.\r\nRSET\r\nQUIT\r\n"

    @Test("a pipelined submission gets the same replies byte by byte and at once", arguments: [1, 2, 5, 13, 100_000])
    func submission(chunkSize: Int) {
        #expect(Self.transcript(Self.submission, chunkSize: chunkSize) == [
            "220 sink.envoi.test ESMTP Envoi",
            "250-sink.envoi.test", "250-PIPELINING", "250-SIZE 0", "250-8BITMIME", "250-ENHANCEDSTATUSCODES",
            "250-SMTPUTF8", "250-AUTH PLAIN LOGIN", "250 STARTTLS",
            "250 2.1.0 Ok", "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as sink-1",
            "250 2.1.0 Ok", "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as sink-2",
            "250 2.0.0 Ok", "221 2.0.0 Bye", "[close]",
        ])
    }

    @Test("a dot inside a line, or after a bare LF, does not end DATA")
    func notTheEnd() {
        let replies = Self.transcript("DATA\r\na.\r\nb\n.\nc\r\n.x\r\n.\r\n")
        #expect(replies.suffix(2) == ["354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as sink-1"])
    }

    @Test("STARTTLS drops what was pipelined after it (RFC 3207 §4.2) and is not offered again")
    func startTLS() {
        let replies = Self.transcript("STARTTLS\r\nMAIL FROM:<evil@x>\r\n")
        #expect(replies.suffix(2) == ["220 2.0.0 Ready to start TLS", "[tls]"])
        var session = SinkSession(offersTLS: true)
        _ = session.receive(Array("STARTTLS\r\n".utf8))
        session.tlsEstablished()
        let ehlo = session.receive(Array("EHLO c\r\n".utf8))
        guard case .reply(let bytes) = ehlo.first else { Issue.record("no EHLO reply"); return }
        #expect(!String(decoding: bytes, as: UTF8.self).contains("STARTTLS"))
    }

    @Test("without a certificate STARTTLS is neither offered nor started")
    func noTLS() {
        let replies = Self.transcript("EHLO c\r\nSTARTTLS\r\n", offersTLS: false)
        #expect(!replies.contains("250 STARTTLS") && !replies.contains("[tls]"))
        #expect(replies.last == "250 2.0.0 Ok")
    }

    @Test("AUTH PLAIN and LOGIN accept anything, with or without an initial response", arguments: [
        ("AUTH PLAIN AGEAYg==\r\n", ["235 2.7.0 Authentication successful"]),
        ("AUTH PLAIN\r\nAGEAYg==\r\n", ["334 ", "235 2.7.0 Authentication successful"]),
        ("AUTH LOGIN\r\nYQ==\r\nYg==\r\n", ["334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 2.7.0 Authentication successful"]),
    ])
    func auth(text: String, expected: [String]) {
        #expect(Array(Self.transcript(text).dropFirst()) == expected)
    }
}
