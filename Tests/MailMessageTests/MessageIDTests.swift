import Foundation
import Testing
@testable import MailMessage

@Suite("Message-ID (RFC 5322 §3.6.4) and Date (RFC 5322 §3.3)")
struct MessageIDTests {
    @Test("accepts id-left @ id-right", arguments: [
        "20030712040037.46341.5F8J@football.example.com", "a@b", "x+y!#$%&'*/=?^_`{|}~-@example.com",
        "abc@[192.0.2.1]", "abc@[IPv6:2001:db8::1]", "1.2.3@mail.example",
    ])
    func accepts(id: String) {
        #expect(MessageID(id)?.value == id)
        #expect(MessageID(id)?.bracketed == "<\(id)>")
    }

    @Test("refuses ids not formed per RFC 5322", arguments: [
        "", "no-at-sign", "<abc@example.com>", "@example.com", "abc@", "a b@example.com",
        "abc@exa mple.com", ".abc@example.com", "abc.@example.com", "a..b@example.com", "abc@@example.com",
        "a@b@c", "abc@[unclosed", "abc@[a[b]", "\"quoted\"@example.com", "abc@example.com\r\nBcc: x@y",
        "é@example.com", "abc@(comment)example.com",
    ])
    func refuses(id: String) {
        #expect(MessageID(id) == nil)
    }

    @Test("refuses ids too long for one header line")
    func length() {
        let right = "@example.com"
        let fits = String(repeating: "a", count: MessageID.maximumLength - right.count) + right
        #expect(MessageID(fits) != nil)
        #expect(MessageID("a" + fits) == nil)
        #expect(("Message-ID: " + MessageID(fits)!.bracketed).utf8.count == HeaderFolder.maximumLineLength)
    }

    @Test("generates uuid@domain, falling back when the domain cannot be an id-right")
    func generates() throws {
        let uuid = try #require(UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F"))
        #expect(MessageID.generate(domain: "example.com", unique: uuid).value
            == "e621e1f8-c36c-495a-93fc-0c247a3e6e5f@example.com")
        #expect(MessageID.generate(domain: "bücher.example", unique: uuid).value
            == "e621e1f8-c36c-495a-93fc-0c247a3e6e5f@envoi.invalid")
        #expect(MessageID.generate(domain: "example.com") != MessageID.generate(domain: "example.com"))
    }

    @Test("generated ids are version 7 UUIDs, ordered by time (RFC 9562 §5.7)")
    func timeOrdered() throws {
        let early = MessageID.timeOrderedUUID(at: Date(timeIntervalSince1970: 1_764_000_000))
        let late = MessageID.timeOrderedUUID(at: Date(timeIntervalSince1970: 1_764_000_000.001))
        #expect(early.uuidString.lowercased().hasPrefix("019ab697-e800-7"))
        #expect(early.uuidString < late.uuidString)
        #expect([0x8, 0x9, 0xA, 0xB].contains(early.uuid.8 >> 4))
        #expect(MessageID.timeOrderedUUID(at: Date(timeIntervalSince1970: 1_764_000_000)) != early)
    }

    @Test("writes dates as RFC 5322 §3.3 date-time", arguments: [
        (0.0, 0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (1_057_982_437, -420, "Fri, 11 Jul 2003 21:00:37 -0700"),
        (1_709_296_496, 0, "Fri, 01 Mar 2024 12:34:56 +0000"),
        (1_709_296_496, 330, "Fri, 01 Mar 2024 18:04:56 +0530"),
        (951_782_400, 0, "Tue, 29 Feb 2000 00:00:00 +0000"),
        (4_102_444_799, 0, "Thu, 31 Dec 2099 23:59:59 +0000"),
        (-1.5, 0, "Wed, 31 Dec 1969 23:59:58 +0000"),
        (1_709_296_496.9, 0, "Fri, 01 Mar 2024 12:34:56 +0000"),
    ])
    func formatsDates(seconds: Double, offset: Int, expected: String) {
        #expect(MessageDate(Date(timeIntervalSince1970: seconds), utcOffsetMinutes: offset).description == expected)
    }
}
