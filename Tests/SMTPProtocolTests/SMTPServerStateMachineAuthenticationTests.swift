import Foundation
import SMTPProtocol
import Testing

private let b64 = Conversation.base64

/// One AUTH exchange from a TLS-greeted session: the lines the client sends and the actions.
struct ExchangeRow: Sendable, CustomTestStringConvertible {
    let name: String
    let lines: [String]
    let actions: [String]
    var testDescription: String { name }
}

let exchangeTable: [ExchangeRow] = [
    ExchangeRow(name: "PLAIN with initial response",
                lines: ["AUTH PLAIN \(b64("\0alice\0s3cret"))"],
                actions: ["verifyCredentials: alice / s3cret"]),
    ExchangeRow(name: "PLAIN after an empty 334 challenge",
                lines: ["AUTH PLAIN", b64("\0alice\0s3cret")],
                actions: ["send: 334 ", "readMore", "verifyCredentials: alice / s3cret"]),
    ExchangeRow(name: "PLAIN cancelled with *",
                lines: ["AUTH PLAIN", "*"],
                actions: ["send: 334 ", "readMore", "send: 501 5.7.0 Authentication aborted", "readMore"]),
    ExchangeRow(name: "PLAIN initial response that is not base64",
                lines: ["AUTH PLAIN %%%"],
                actions: ["send: 501 Invalid command argument, not a valid Base64 string", "readMore"]),
    ExchangeRow(name: "PLAIN response without NUL",
                lines: ["AUTH PLAIN", b64("alice")],
                actions: ["send: 334 ", "readMore", "send: 501 Invalid command argument, does not contain NUL", "readMore"]),
    ExchangeRow(name: "PLAIN response with one NUL",
                lines: ["AUTH PLAIN \(b64("alice\0s3cret"))"],
                actions: ["send: 501 Invalid command argument, does not contain the second NUL", "readMore"]),
    ExchangeRow(name: "PLAIN with = as an empty initial response",
                lines: ["AUTH PLAIN ="],
                actions: ["send: 501 Invalid command argument, does not contain NUL", "readMore"]),
    ExchangeRow(name: "PLAIN with an authorisation identity acts as the authenticated user",
                lines: ["AUTH PLAIN \(b64("admin\0alice\0s3cret"))"],
                actions: ["verifyCredentials: alice / s3cret"]),
    ExchangeRow(name: "LOGIN with two challenges",
                lines: ["AUTH LOGIN", b64("alice"), b64("s3cret")],
                actions: ["send: 334 VXNlcm5hbWU6", "readMore", "send: 334 UGFzc3dvcmQ6", "readMore",
                          "verifyCredentials: alice / s3cret"]),
    ExchangeRow(name: "LOGIN with the user name as initial response",
                lines: ["auth login \(b64("alice"))", b64("s3cret")],
                actions: ["send: 334 UGFzc3dvcmQ6", "readMore", "verifyCredentials: alice / s3cret"]),
    ExchangeRow(name: "LOGIN cancelled at the password",
                lines: ["AUTH LOGIN", b64("alice"), "*"],
                actions: ["send: 334 VXNlcm5hbWU6", "readMore", "send: 334 UGFzc3dvcmQ6", "readMore",
                          "send: 501 5.7.0 Authentication aborted", "readMore"]),
    ExchangeRow(name: "LOGIN with a password that is not base64",
                lines: ["AUTH LOGIN", b64("alice"), "s3cret!"],
                actions: ["send: 334 VXNlcm5hbWU6", "readMore", "send: 334 UGFzc3dvcmQ6", "readMore",
                          "send: 501 Invalid command argument, not a valid Base64 string", "readMore"]),
    ExchangeRow(name: "LOGIN with an initial response that is not base64",
                lines: ["AUTH LOGIN ####"],
                actions: ["send: 501 Invalid command argument, not a valid Base64 string", "readMore"]),
    ExchangeRow(name: "an answer longer than a command line but within the AUTH limit is read",
                lines: ["AUTH PLAIN", b64("\0alice\0" + String(repeating: "p", count: 900))],
                actions: ["send: 334 ", "readMore", "verifyCredentials: alice / " + String(repeating: "p", count: 900)]),
    ExchangeRow(name: "an answer over the AUTH line limit ends the exchange",
                lines: ["AUTH PLAIN", String(repeating: "A", count: 13000)],
                actions: ["send: 334 ", "readMore", "send: 500 5.5.2 Line too long", "readMore"]),
]

@Suite struct SMTPServerStateMachineAuthenticationTests {
    @Test("AUTH exchanges, byte by byte and line by line", arguments: exchangeTable)
    func exchange(row: ExchangeRow) {
        var lineByLine = Conversation.tlsGreeted()
        let actions = row.lines.flatMap { lineByLine.send($0 + "\r\n") }
        #expect(actions == row.actions)

        var byteByByte = Conversation.tlsGreeted()
        let bytes = Array(row.lines.map { $0 + "\r\n" }.joined().utf8)
        // Byte by byte, every byte that completes nothing answers readMore; drop those.
        let collapsed = byteByByte.receiveByteByByte(bytes).filter { $0 != "readMore" }
        #expect(collapsed == row.actions.filter { $0 != "readMore" })
    }

    @Test("after a failed exchange the session is still unauthenticated")
    func failedExchangeLeavesSessionUnauthenticated() {
        var conversation = Conversation.tlsGreeted()
        _ = conversation.send("AUTH PLAIN\r\n*\r\n")
        #expect(conversation.send("MAIL FROM:<alice@example.com>\r\n").first == "send: 535 Authentication required")
        #expect(conversation.machine.authenticatedUserID == nil)
    }

    @Test("wrong credentials get 535 and a later AUTH may succeed")
    func retryAfterWrongCredentials() {
        var conversation = SessionStage.verifyingCredentials.make()
        #expect(conversation.follow(conversation.machine.credentialsRejected())
            == ["send: 535 Authentication credentials invalid", "readMore"])
        #expect(conversation.send("AUTH PLAIN \(Conversation.alicePlain)\r\n") == ["verifyCredentials: alice / s3cret"])
        _ = conversation.follow(conversation.machine.credentialsVerified(userID: "u2"))
        #expect(conversation.machine.authenticatedUserID == "u2")
    }

    @Test("AUTH again after success is a mismatch, whatever the mechanism",
          arguments: ["AUTH PLAIN", "AUTH LOGIN", "AUTH CRAM-MD5", "AUTH"])
    func authAfterSuccess(line: String) {
        var conversation = Conversation.authenticated()
        #expect(conversation.send(line + "\r\n") == ["send: 504 AUTH mechanism mismatch", "readMore"])
    }

    @Test("a client greeted with HELO may also use STARTTLS and AUTH")
    func heloClient() {
        var conversation = Conversation.connected()
        _ = conversation.send("HELO c\r\n")
        #expect(conversation.send("STARTTLS\r\n") == ["startTLS: 220 2.0.0 Ready to start TLS"])
        _ = conversation.follow(conversation.machine.tlsEstablished())
        _ = conversation.send("HELO c\r\n")
        #expect(conversation.send("AUTH LOGIN\r\n").first == "send: 334 VXNlcm5hbWU6")
    }
}
