import Testing
@testable import DNSResolver

/// Builds DNS messages byte by byte (RFC 1035 §4.1) to check what the parser makes of them.
struct MessageBuilder {
    var bytes: [UInt8] = []

    /// A response header: id 0x1234, QR + RD + RA (+ AA), `rcode`, one question, `answers` answers.
    init(rcode: UInt8 = 0, answers: UInt16, authoritative: Bool = false) {
        bytes = [0x12, 0x34, authoritative ? 0x85 : 0x81, 0x80 | rcode, 0, 1, UInt8(answers >> 8), UInt8(answers & 0xFF), 0, 0, 0, 0]
    }

    static func name(_ text: String) -> [UInt8] {
        text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    mutating func question(_ name: String, type: UInt16) {
        bytes += Self.name(name) + [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
    }

    mutating func answer(owner: [UInt8], type: UInt16, ttl: UInt32 = 300, rdata: [UInt8]) {
        bytes += owner + [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
        bytes += [UInt8(ttl >> 24), UInt8((ttl >> 16) & 0xFF), UInt8((ttl >> 8) & 0xFF), UInt8(ttl & 0xFF)]
        bytes += [UInt8(rdata.count >> 8), UInt8(rdata.count & 0xFF)] + rdata
    }

    /// A compression pointer to `offset` (RFC 1035 §4.1.4).
    static func pointer(_ offset: Int) -> [UInt8] { [0xC0 | UInt8(offset >> 8), UInt8(offset & 0xFF)] }

    static func txt(_ strings: [String]) -> [UInt8] {
        strings.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
    }
}

@Suite("DNS responses read through glibc's ns_parserr")
struct DNSMessageParserTests {
    @Test("a CNAME chain with a compressed target and a TXT record of two strings")
    func cnameAndText() throws {
        var message = MessageBuilder(answers: 2)
        message.question("s1._domainkey.Example.com", type: 16)
        // "example.com" of the question starts at 12 + 1 + 2 + 1 + 10 = 26.
        let target = MessageBuilder.name("s1.dkim").dropLast() + MessageBuilder.pointer(26)
        message.answer(owner: MessageBuilder.pointer(12), type: 5, rdata: target)
        let long = String(repeating: "A", count: 255)
        message.answer(owner: MessageBuilder.name("s1.dkim.example.com"), type: 16, ttl: 60, rdata: MessageBuilder.txt(["v=DKIM1; p=", long]))
        let response = try DNSMessageParser.parse(message.bytes)
        #expect(response.code == .noError)
        #expect(!response.isAuthoritative)
        #expect(response.answers == [
            DNSRecord(name: "s1._domainkey.example.com", type: .cname, ttl: 300, data: .cname("s1.dkim.example.com")),
            DNSRecord(name: "s1.dkim.example.com", type: .txt, ttl: 60, data: .txt(["v=DKIM1; p=", long])),
        ])
        #expect(response.txtRecords(at: "S1.dkim.example.com.") == [["v=DKIM1; p=", long]])
    }

    @Test("MX, A and AAAA data")
    func addressesAndExchangers() throws {
        var message = MessageBuilder(answers: 3, authoritative: true)
        message.question("example.com", type: 15)
        message.answer(owner: MessageBuilder.pointer(12), type: 15, rdata: [0, 10] + MessageBuilder.name("mx.example.com"))
        message.answer(owner: MessageBuilder.name("mx.example.com"), type: 1, rdata: [192, 0, 2, 25])
        message.answer(owner: MessageBuilder.name("mx.example.com"), type: 28, rdata: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1])
        let response = try DNSMessageParser.parse(message.bytes)
        #expect(response.isAuthoritative)
        #expect(response.answers.map(\.data) == [.mx(preference: 10, exchange: "mx.example.com"), .a("192.0.2.25"), .aaaa("2001:db8::1")])
        #expect(response.records(ofType: .a).count == 1)
    }

    @Test("a null MX (RFC 7505: preference 0, the root as exchange) reads as an empty exchange; MX with a compressed exchange")
    func nullAndCompressedExchangers() throws {
        var message = MessageBuilder(answers: 2)
        message.question("example.org", type: 15)
        message.answer(owner: MessageBuilder.pointer(12), type: 15, rdata: [0, 0, 0])
        // "mx1" + a pointer to the question's "example.org" (offset 12).
        message.answer(owner: MessageBuilder.pointer(12), type: 15, rdata: [0x01, 0x00] + MessageBuilder.name("mx1").dropLast() + MessageBuilder.pointer(12))
        let response = try DNSMessageParser.parse(message.bytes)
        #expect(response.answers.map(\.data) == [.mx(preference: 0, exchange: ""), .mx(preference: 256, exchange: "mx1.example.org")])
        #expect(response.answers.map(\.name) == ["example.org", "example.org"])
    }

    @Test("MX RDATA too short for a preference and a name is refused, as are A and AAAA of the wrong length", arguments: [
        (UInt16(15), [UInt8]([0, 10])), (UInt16(1), [UInt8]([127, 0, 0])), (UInt16(28), [UInt8](repeating: 0, count: 15)),
    ])
    func shortAddressData(type: UInt16, rdata: [UInt8]) {
        var message = MessageBuilder(answers: 1)
        message.question("example.org", type: type)
        message.answer(owner: MessageBuilder.pointer(12), type: type, rdata: rdata)
        #expect(throws: DNSResolverError.self) { try DNSMessageParser.parse(message.bytes) }
    }

    @Test("NXDOMAIN with no answers is a response, not an error")
    func nameError() throws {
        var message = MessageBuilder(rcode: 3, answers: 0)
        message.question("nothing.example.com", type: 16)
        let response = try DNSMessageParser.parse(message.bytes)
        #expect(response.code == .nameError && response.answers.isEmpty)
        #expect(response.code.description == "NXDOMAIN")
    }

    @Test("malformed messages are refused", arguments: [
        ("too short", [UInt8](repeating: 0, count: 5)),
        ("answer count past the end", MessageBuilder(answers: 1).bytes + MessageBuilder.name("a.b") + [0, 1, 0, 1]),
    ])
    func malformed(label: String, bytes: [UInt8]) {
        #expect(throws: DNSResolverError.self) { try DNSMessageParser.parse(bytes) }
    }

    @Test("a TXT string whose length runs past the RDATA is refused")
    func badCharacterString() throws {
        #expect(DNSMessageParser.characterStrings([3, 0x61, 0x62]) == nil)
        #expect(DNSMessageParser.characterStrings([1, 0x61, 0, 2, 0x62, 0x63]) == ["a", "", "bc"])
        var message = MessageBuilder(answers: 1)
        message.question("t.example.com", type: 16)
        message.answer(owner: MessageBuilder.pointer(12), type: 16, rdata: [9, 0x61])
        #expect(throws: DNSResolverError.self) { try DNSMessageParser.parse(message.bytes) }
    }
}

@Suite("DNSResolver names and failures")
struct DNSResolverTests {
    @Test("names that can be queried", arguments: [
        ("s1._domainkey.example.com", true), ("example.com.", false), ("a..b", false), ("", false), ("has space.example", false),
        (String(repeating: "a", count: 64) + ".com", false), (String(repeating: "a.", count: 126) + "a", true),
    ])
    func queryable(name: String, valid: Bool) {
        #expect(DNSResolver.isQueryable(name) == valid)
    }

    @Test("a server that is not listening is a transient failure, reported as refused rather than timed out")
    func refused() async throws {
        let resolver = DNSResolver(server: .address(.init(host: "127.0.0.1", port: 9)), timeoutSeconds: 2, attempts: 1)
        do {
            _ = try await resolver.query("example.com", .txt)
            Issue.record("a lookup against a closed port answered")
        } catch {
            #expect(error.isTransient)
            #expect(error.description == "the DNS server 127.0.0.1:9 refused the connection (is it running?)")
        }
    }

    @Test("an invalid name is refused before any query")
    func invalidName() async {
        await #expect(throws: DNSResolverError.self) { try await DNSResolver().query("bad name", .a) }
    }
}
