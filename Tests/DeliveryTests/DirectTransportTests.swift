import Delivery
import DNSResolver
import EnvoiCore
import SMTPProtocol
import Testing

/// DNS answers from a table: name → type → records; names absent from the table are NXDOMAIN,
/// and names in `failing` time out.
struct TableLookup: DNSLookup {
    var records: [String: [DNSRecordType: [DNSRecordData]]]
    var failing: Set<String> = []

    func query(_ name: String, _ type: DNSRecordType) async throws(DNSResolverError) -> DNSResponse {
        if failing.contains(name) { throw .timedOut(server: "table", seconds: 1) }
        guard let types = records[name] else { return DNSResponse(code: .nameError, isAuthoritative: true, answers: []) }
        let answers = (types[type] ?? []).map { DNSRecord(name: name, type: type, ttl: 60, data: $0) }
        return DNSResponse(code: .noError, isAuthoritative: true, answers: answers)
    }
}

/// Sessions scripted per address: `refuse` addresses throw at connect, `greet421` ones fail the
/// setup with a 421, others accept every recipient except those starting with `bounce`.
final class ScriptedConnector: SMTPConnector {
    let refuse: Set<String>
    let greet421: Set<String>
    /// Each connection attempt, as `name[address]:port`.
    let attempts = Locked<[String]>([])
    /// Each transaction, as `address: recipients`.
    let transactions = Locked<[String]>([])
    /// Every session opened, oldest first.
    let sessions = Locked<[Session]>([])

    init(refuse: Set<String> = [], greet421: Set<String> = []) {
        self.refuse = refuse
        self.greet421 = greet421
    }

    func connect(to hop: NextHop) async throws -> any SMTPSession {
        attempts.withLock { $0.append(hop.description) }
        if refuse.contains(hop.address) { throw SMTPClientError.connectionClosed }
        if greet421.contains(hop.address) {
            throw SMTPClientError.unexpectedReply(.greeting, SMTPReply(code: .serviceNotAvailable, text: "busy"))
        }
        let session = Session(address: hop.address, connector: self)
        sessions.withLock { $0.append(session) }
        return session
    }

    final class Session: SMTPSession {
        let address: String
        let connector: ScriptedConnector
        let open = Locked(true)
        /// Set to make the next transaction find the server gone (no reply at all).
        let hungUp = Locked(false)

        init(address: String, connector: ScriptedConnector) {
            self.address = address
            self.connector = connector
        }

        var isOpen: Bool { open.withLock { $0 } }

        func deliver(_ message: SMTPClientMessage) async throws -> SMTPDeliveryResult {
            if hungUp.withLock({ $0 }) {
                close()
                return SMTPDeliveryResult(notSent: message, error: .connectionClosed)
            }
            connector.transactions.withLock { $0.append("\(address): \(message.recipients.joined(separator: ","))") }
            let results = message.recipients.map { recipient in
                let reply = recipient.hasPrefix("bounce") ? SMTPReply(code: .mailboxUnavailable, text: "5.1.1 no such user")
                    : SMTPReply(code: .ok, text: "2.0.0 ok")
                return SMTPRecipientResult(recipient: recipient, outcome: .reply(reply))
            }
            return SMTPDeliveryResult(recipients: results, finalReply: nil, error: nil)
        }

        func quit() async { close() }
        func close() { open.withLock { $0 = false } }
    }
}

@Suite struct DirectTransportTests {
    static let lookup = TableLookup(records: [
        "example.org": [.mx: [.mx(preference: 20, exchange: "mx2.example.org"), .mx(preference: 10, exchange: "mx1.example.org")]],
        "mx1.example.org": [.a: [.a("192.0.2.1")], .aaaa: [.aaaa("2001:db8::1")]],
        "mx2.example.org": [.a: [.a("192.0.2.2")]],
        "implicit.example": [.a: [.a("192.0.2.9")]],
        "null.example": [.mx: [.mx(preference: 0, exchange: "")], .a: [.a("192.0.2.10")]],
        "bare.example": [:],
        "lost.example": [.mx: [.mx(preference: 10, exchange: "nowhere.example")]],
        "nowhere.example": [:],
        "flaky.example": [.mx: [.mx(preference: 10, exchange: "slow.example")]],
    ], failing: ["slow.example", "broken.example"])

    func transport(_ connector: ScriptedConnector, lookup: TableLookup = Self.lookup) -> DirectTransport {
        DirectTransport(router: MailExchangerRouter(lookup: lookup, port: 2525, shuffle: { $0 }), connector: connector,
                        pool: SMTPConnectionPool(clock: ContinuousClock()), tlsPolicy: .opportunistic)
    }

    func send(_ transport: DirectTransport, to recipients: [String]) async -> TransportResult {
        let job = DeliveryJob(queueID: "q1", messageID: "m1", envelopeSender: "app@example.com", recipients: recipients,
                              attempts: [:], body: Array("Subject: hi\r\n\r\nbody\r\n".utf8), timeReceived: .now)
        return await transport.deliver(job.body, job: job, recipients: recipients, dkimSelector: nil)
    }

    @Test("hosts come in preference order, IPv4 then IPv6 for each, at the configured port")
    func preferenceOrder() async {
        let route = await MailExchangerRouter(lookup: Self.lookup, port: 2525, shuffle: { $0 }).route(to: "Example.ORG.")
        #expect(route == .hops([
            NextHop(name: "mx1.example.org", address: "192.0.2.1", port: 2525),
            NextHop(name: "mx1.example.org", address: "2001:db8::1", port: 2525),
            NextHop(name: "mx2.example.org", address: "192.0.2.2", port: 2525),
        ]))
    }

    @Test("equal preferences are handed to the shuffle; a host listed twice keeps its best preference")
    func equalPreferences() {
        let router = MailExchangerRouter(lookup: Self.lookup, shuffle: { $0.reversed() })
        #expect(router.ordered([(10, "b"), (10, "a"), (5, "c"), (20, "a")]) == ["c", "b", "a"])
    }

    @Test("delivery goes to the most preferred MX when it answers")
    func lowestPreferenceFirst() async {
        let connector = ScriptedConnector()
        let result = await send(transport(connector), to: ["ok@example.org"])
        #expect(result.outcomes == ["ok@example.org": .relayed(status: "250 2.0.0 ok")])
        #expect(result.remoteHost == "mx1.example.org[192.0.2.1]:2525")
        #expect(connector.attempts.withLock { $0 } == ["mx1.example.org[192.0.2.1]:2525"])
    }

    @Test("a refused connection or a 421 greeting moves on to the next address, then the next MX")
    func fallback() async {
        let connector = ScriptedConnector(refuse: ["192.0.2.1"], greet421: ["2001:db8::1"])
        let result = await send(transport(connector), to: ["ok@example.org", "bounce@example.org"])
        #expect(connector.attempts.withLock { $0 } == [
            "mx1.example.org[192.0.2.1]:2525", "mx1.example.org[2001:db8::1]:2525", "mx2.example.org[192.0.2.2]:2525",
        ])
        #expect(result.outcomes["ok@example.org"] == .relayed(status: "250 2.0.0 ok"))
        #expect(result.outcomes["bounce@example.org"] == .bounced(status: "550 5.1.1 no such user"))
        #expect(result.remoteHost == "mx2.example.org[192.0.2.2]:2525")
    }

    @Test("when no host takes a session the recipients are deferred with the last host's reason")
    func allHostsDown() async {
        let connector = ScriptedConnector(refuse: ["192.0.2.1", "2001:db8::1", "192.0.2.2"])
        let result = await send(transport(connector), to: ["ok@example.org"])
        guard case .deferred(let status) = result.outcomes["ok@example.org"] else {
            Issue.record("expected deferred, got \(String(describing: result.outcomes))")
            return
        }
        #expect(status.hasPrefix("451 4.4.1 No session with mx2.example.org[192.0.2.2]:2525"))
    }

    @Test("a domain without MX is its own mail exchanger (implicit MX, RFC 5321 §5.1)")
    func implicitMX() async {
        let connector = ScriptedConnector()
        let result = await send(transport(connector), to: ["ok@implicit.example"])
        #expect(result.outcomes["ok@implicit.example"] == .relayed(status: "250 2.0.0 ok"))
        #expect(connector.attempts.withLock { $0 } == ["implicit.example[192.0.2.9]:2525"])
    }

    @Test("DNS verdicts decide without any connection", arguments: [
        ("a@null.example", "556 5.1.10 Recipient domain null.example has a null MX (RFC 7505)", true),
        ("a@gone.example", "550 5.1.2 Recipient domain gone.example does not exist (NXDOMAIN)", true),
        ("a@bare.example", "550 5.1.2 Recipient domain bare.example has no MX and no address record", true),
        ("a@lost.example", "451 4.4.4 No address for the mail exchangers of lost.example", false),
        ("a@broken.example", "451 4.4.3 DNS lookup for broken.example failed: no answer from the DNS server table within 1 s (timed out)", false),
        ("a@flaky.example", "451 4.4.3 DNS lookup for flaky.example failed: no answer from the DNS server table within 1 s (timed out)", false),
    ])
    func dnsVerdicts(recipient: String, status: String, permanent: Bool) async {
        let connector = ScriptedConnector()
        let result = await send(transport(connector), to: [recipient])
        #expect(result.outcomes[recipient] == (permanent ? .bounced(status: status) : .deferred(status: status)))
        #expect(result.remoteHost == String(recipient.split(separator: "@")[1]))
        #expect(connector.attempts.withLock { $0 }.isEmpty)
    }

    @Test("two messages to one MX share one session; a dead pooled session is replaced without losing the message")
    func reuse() async {
        let connector = ScriptedConnector()
        let transport = transport(connector)
        _ = await send(transport, to: ["one@example.org"])
        _ = await send(transport, to: ["two@example.org"])
        #expect(connector.attempts.withLock { $0 }.count == 1)
        #expect(connector.transactions.withLock { $0 } == ["192.0.2.1: one@example.org", "192.0.2.1: two@example.org"])
        // The server hangs up unseen: the next message finds the pooled session dead and opens another.
        connector.sessions.withLock { $0[0].hungUp.withLock { $0 = true } }
        let third = await send(transport, to: ["three@example.org"])
        #expect(third.outcomes["three@example.org"] == .relayed(status: "250 2.0.0 ok"))
        #expect(connector.attempts.withLock { $0 }.count == 2)
        // Closed sessions are never handed out: the fourth message opens a third one.
        connector.sessions.withLock { $0[1].close() }
        _ = await send(transport, to: ["four@example.org"])
        #expect(connector.attempts.withLock { $0 }.count == 3)
    }
}
