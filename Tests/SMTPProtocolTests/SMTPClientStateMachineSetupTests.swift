import SMTPProtocol
import Testing

/// Every transition of session setup: greeting, EHLO/HELO, STARTTLS, AUTH.
@Suite struct SMTPClientStateMachineSetupTests {
    typealias Conversation = ClientConversation

    static let quit = "send: QUIT"

    @Test("connecting waits for the greeting; a 220 gets EHLO, multi-line or not (RFC 5321 §3.1)",
          arguments: ["220 mx.test ESMTP\r\n", "220-mx.test\r\n220 welcome\r\n"])
    func greeting(text: String) {
        var conversation = Conversation(configuration: Conversation.configuration)
        #expect(conversation.follow(conversation.machine.connected()) == ["readMore"])
        #expect(conversation.receive(text) == ["send: EHLO client.test", "readMore"])
    }

    @Test("a refused greeting ends the session: QUIT after 554, nothing after 421 (RFC 5321 §3.1, §3.8)")
    func refusedGreeting() {
        var refused = Conversation.connected()
        #expect(refused.receive("554 5.3.2 no service\r\n") == [Self.quit, "readMore"])
        #expect(refused.receive("221 2.0.0 Bye\r\n") == ["close: greeting refused: 554 5.3.2 no service"])
        var busy = Conversation.connected()
        #expect(busy.receive("421 4.3.2 busy\r\n") == ["close: greeting refused: 421 4.3.2 busy"])
    }

    @Test("EHLO with STARTTLS offered gets STARTTLS; 220 starts the handshake (RFC 3207 §4)")
    func startTLS() {
        var conversation = Conversation.ehloSent()
        #expect(conversation.receive(Conversation.ehloBeforeTLS) == ["send: STARTTLS", "readMore"])
        #expect(conversation.machine.capabilities.startTLS)
        #expect(conversation.receive("220 2.0.0 Ready to start TLS\r\n") == ["startTLS"])
        #expect(conversation.follow(conversation.machine.tlsEstablished()) == ["send: EHLO client.test", "readMore"])
        #expect(conversation.machine.isTLSActive)
    }

    @Test("plaintext after the 220, in the same read or during the handshake, is dropped (RFC 3207 §4.2)")
    func responseInjection() {
        var conversation = Conversation.startTLSSent()
        #expect(conversation.receive("220 2.0.0 go\r\n250-injected\r\n250 AUTH PLAIN\r\n") == ["startTLS"])
        #expect(conversation.receive("250 more injected\r\n") == ["readMore"])
        #expect(conversation.follow(conversation.machine.tlsEstablished()) == ["send: EHLO client.test", "readMore"])
        #expect(conversation.receive(Conversation.ehloAfterTLS).first == "send: AUTH PLAIN AGFsaWNlAHMzY3JldA==")
    }

    @Test("TLS forgets the capabilities learnt in clear")
    func tlsForgetsCapabilities() {
        var conversation = Conversation.handshaking()
        _ = conversation.follow(conversation.machine.tlsEstablished())
        #expect(conversation.machine.capabilities == SMTPServerCapabilities())
    }

    @Test("STARTTLS refused: opportunistic goes on in clear, required quits, 421 closes")
    func startTLSRefused() {
        var configuration = Conversation.configuration
        configuration.credentials = nil
        var opportunistic = Conversation.ehloSent(configuration)
        _ = opportunistic.receive(Conversation.ehloBeforeTLS)
        #expect(opportunistic.receive("454 4.7.0 TLS not available\r\n") == ["awaitMessage"])
        #expect(!opportunistic.machine.isTLSActive)

        configuration.tlsPolicy = .required
        var required = Conversation.ehloSent(configuration)
        _ = required.receive(Conversation.ehloBeforeTLS)
        #expect(required.receive("454 4.7.0 TLS not available\r\n") == [Self.quit, "readMore"])
        #expect(required.receive("221 Bye\r\n") == ["close: STARTTLS refused: 454 4.7.0 TLS not available"])

        var closing = Conversation.startTLSSent()
        #expect(closing.receive("421 4.3.2 shutting down\r\n") == ["close: STARTTLS refused: 421 4.3.2 shutting down"])
    }

    @Test("TLS required and not offered: QUIT and the reason")
    func tlsRequiredNotOffered() {
        var configuration = Conversation.configuration
        configuration.tlsPolicy = .required
        var conversation = Conversation.ehloSent(configuration)
        #expect(conversation.receive("250-mx.test\r\n250 PIPELINING\r\n") == [Self.quit, "readMore"])
        #expect(conversation.receive("221 Bye\r\n") == ["close: TLS required but STARTTLS not offered"])
    }

    @Test("a handshake failure closes without QUIT")
    func handshakeFailure() {
        var conversation = Conversation.handshaking()
        #expect(conversation.follow(conversation.machine.tlsFailed("alert 70")) == ["close: TLS failed: alert 70"])
        #expect(conversation.machine.isClosed)
    }

    @Test("EHLO refused with 5yz falls back to HELO (RFC 5321 §3.2); 4yz and 421 end the session")
    func heloFallback() {
        var configuration = Conversation.configuration
        configuration.credentials = nil
        var fallback = Conversation.ehloSent(configuration)
        #expect(fallback.receive("502 5.5.1 command not implemented\r\n") == ["send: HELO client.test", "readMore"])
        #expect(fallback.receive("250 mx.test\r\n") == ["awaitMessage"])
        #expect(fallback.machine.capabilities == SMTPServerCapabilities())

        var heloRefused = Conversation.ehloSent(configuration)
        _ = heloRefused.receive("500 what\r\n")
        #expect(heloRefused.receive("501 bad name\r\n") == [Self.quit, "readMore"])

        var transient = Conversation.ehloSent(configuration)
        #expect(transient.receive("451 4.3.0 later\r\n") == [Self.quit, "readMore"])
        var closing = Conversation.ehloSent(configuration)
        #expect(closing.receive("421 4.3.2 bye\r\n") == ["close: hello refused: 421 4.3.2 bye"])
    }

    @Test("AUTH PLAIN sends the credentials as its initial response and 235 makes the session ready (RFC 4954 §4)")
    func authPlain() {
        var conversation = Conversation.tlsEhloSent()
        // base64 of NUL alice NUL s3cret (RFC 4616 §2)
        #expect(conversation.receive(Conversation.ehloAfterTLS) == ["send: AUTH PLAIN AGFsaWNlAHMzY3JldA==", "readMore"])
        #expect(conversation.receive("235 2.7.0 Authentication successful\r\n") == ["awaitMessage"])
        #expect(conversation.machine.isAuthenticated)
    }

    @Test("AUTH LOGIN answers each 334 challenge in turn when PLAIN is not offered")
    func authLogin() {
        var conversation = Conversation.tlsEhloSent()
        #expect(conversation.receive("250-mx.test\r\n250 AUTH LOGIN\r\n") == ["send: AUTH LOGIN", "readMore"])
        #expect(conversation.receive("334 VXNlcm5hbWU6\r\n") == ["send: YWxpY2U=", "readMore"])
        #expect(conversation.receive("334 UGFzc3dvcmQ6\r\n") == ["send: czNjcmV0", "readMore"])
        #expect(conversation.receive("235 2.7.0 ok\r\n") == ["awaitMessage"])
    }

    @Test("refused credentials: QUIT, then close with the reply", arguments: [
        ("250 AUTH PLAIN LOGIN", "535 Authentication credentials invalid"),
        ("250 AUTH LOGIN", "535 Authentication credentials invalid"),
        ("250 AUTH LOGIN", "504 Method not supported"),
    ])
    func authRefused(offer: String, refusal: String) {
        var conversation = Conversation.tlsEhloSent()
        _ = conversation.receive("250-mx.test\r\n\(offer)\r\n")
        if offer == "250 AUTH LOGIN" && refusal.hasPrefix("535") { _ = conversation.receive("334 VXNlcm5hbWU6\r\n") }
        #expect(conversation.receive(refusal + "\r\n") == [Self.quit, "readMore"])
        #expect(conversation.receive("221 Bye\r\n") == ["close: AUTH refused: \(refusal)"])
        #expect(!conversation.machine.isAuthenticated)
    }

    @Test("no mechanism this client speaks: QUIT without sending credentials")
    func noMechanism() {
        var conversation = Conversation.tlsEhloSent()
        #expect(conversation.receive("250-mx.test\r\n250 AUTH CRAM-MD5 XOAUTH2\r\n") == [Self.quit, "readMore"])
        #expect(conversation.receive("221 Bye\r\n") == ["close: no supported AUTH mechanism offered"])
    }

    @Test("credentials are not sent in clear unless allowed (RFC 4954 §4)")
    func noAuthInClear() {
        var configuration = Conversation.configuration
        configuration.tlsPolicy = .never
        var refused = Conversation.ehloSent(configuration)
        #expect(refused.receive("250-mx.test\r\n250 AUTH PLAIN\r\n") == [Self.quit, "readMore"])
        #expect(refused.receive("221 Bye\r\n") == ["close: AUTH refused without TLS"])

        configuration.allowsAuthenticationWithoutTLS = true
        var allowed = Conversation.ehloSent(configuration)
        #expect(allowed.receive("250-mx.test\r\n250 AUTH PLAIN\r\n").first == "send: AUTH PLAIN AGFsaWNlAHMzY3JldA==")
    }

    @Test("without credentials the session is ready after EHLO; with TLS never, STARTTLS is not sent")
    func noCredentials() {
        var configuration = Conversation.configuration
        configuration.credentials = nil
        configuration.tlsPolicy = .never
        var conversation = Conversation.ehloSent(configuration)
        #expect(conversation.receive(Conversation.ehloBeforeTLS) == ["awaitMessage"])
        #expect(!conversation.machine.isTLSActive)
    }

    @Test("implicit TLS never sends STARTTLS (RFC 8314 §3)")
    func implicitTLS() {
        var conversation = Conversation(configuration: Conversation.configuration)
        _ = conversation.follow(conversation.machine.connected(isTLSActive: true))
        _ = conversation.receive("220 mx.test\r\n")
        #expect(conversation.receive(Conversation.ehloAfterTLS).first == "send: AUTH PLAIN AGFsaWNlAHMzY3JldA==")
    }

    @Test("setup replies give the same actions byte by byte as at once")
    func byteByByte() {
        var whole = Conversation.tlsEhloSent()
        var bytes = Conversation.tlsEhloSent()
        #expect(bytes.receiveByteByByte(Conversation.ehloAfterTLS) == whole.receive(Conversation.ehloAfterTLS))
        #expect(bytes.receiveByteByByte("235 2.7.0 ok\r\n") == whole.receive("235 2.7.0 ok\r\n"))
    }
}
