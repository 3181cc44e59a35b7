import SMTPProtocol

/// The whole of the no-op sink's SMTP, without I/O: it says yes to everything and keeps nothing.
///
/// It measures the load generator's own ceiling, so it does as little as a server can while still
/// speaking correct SMTP to a client: EHLO with PIPELINING, STARTTLS when it has a certificate,
/// AUTH PLAIN/LOGIN that accept any credentials, and DATA read up to `CRLF.CRLF` (RFC 5321
/// §4.1.1.4) and thrown away. It must never be mistaken for a server: it stores nothing and
/// checks nothing.
struct SinkSession {
    /// What the handler does with the output of one read.
    enum Output: Hashable, Sendable {
        /// Write these bytes (one or more replies).
        case reply([UInt8])
        /// Write nothing more in clear: start TLS as the server (after the 220 already written).
        case startTLS
        /// Close the connection (after QUIT's 221).
        case close
    }

    private enum Mode {
        case commands
        /// Reading DATA; the count is how much of `CRLF . CRLF` the last bytes matched.
        case data(matched: Int)
        /// AUTH PLAIN without initial response, or LOGIN, waiting for `remaining` answers.
        case authenticating(remaining: Int)
    }

    private static let endOfData: [UInt8] = [0x0D, 0x0A, 0x2E, 0x0D, 0x0A]
    private static let hostname = "sink.envoi.test"

    private let offersTLS: Bool
    private var isTLSActive = false
    private var mode = Mode.commands
    private var input = CommandLineBuffer()
    private var accepted = 0

    /// A session; `offersTLS` when the sink has a certificate.
    init(offersTLS: Bool) {
        self.offersTLS = offersTLS
    }

    /// The greeting (RFC 5321 §4.3.1).
    func greeting() -> [UInt8] {
        SMTPReply.greeting(hostname: Self.hostname).wireBytes
    }

    /// TLS is up: forget the greeting, as RFC 3207 §4.2 says.
    mutating func tlsEstablished() {
        isTLSActive = true
    }

    /// Handles one read; pipelined commands are answered in one write.
    mutating func receive(_ bytes: some Collection<UInt8>) -> [Output] {
        var replies: [UInt8] = []
        var pending = ArraySlice(bytes)
        // Each turn consumes input, so the loop ends with the read.
        while true {
            if case .data(let matched) = mode {
                guard let end = Self.scanData(pending, matched: matched, mode: &mode) else { break }
                pending = pending[end...]
                accepted += 1
                replies += SMTPReply.queued(id: "sink-\(accepted)").wireBytes
                continue
            }
            input.append(pending)
            pending = pending[pending.endIndex...]
            guard let line = input.nextLine(maximumLength: 12_288) else { break }
            guard case .complete(let command) = line else {
                replies += SMTPReply.lineTooLong.wireBytes
                continue
            }
            switch respond(to: command) {
            case .reply(let bytes):
                replies += bytes
            case .startTLS:
                input.discardBufferedBytes()
                return [.reply(replies + SMTPReply.readyToStartTLS.wireBytes), .startTLS]
            case .close:
                return [.reply(replies + SMTPReply.closing.wireBytes), .close]
            }
            if case .data = mode {
                // What follows DATA in the buffer is the start of the message.
                pending = input.takeBufferedBytes()[...]
            }
        }
        return replies.isEmpty ? [] : [.reply(replies)]
    }

    /// Finds the end of DATA in `bytes`; returns the index after it, or nil when it is not there yet.
    private static func scanData(_ bytes: ArraySlice<UInt8>, matched: Int, mode: inout Mode) -> Int? {
        var matched = matched
        for index in bytes.indices {
            let byte = bytes[index]
            if byte == endOfData[matched] {
                matched += 1
                if matched == endOfData.count {
                    mode = .commands
                    return index + 1
                }
            } else {
                // Only CR starts the pattern again: no proper suffix of a partial match is a prefix.
                matched = byte == 0x0D ? 1 : 0
            }
        }
        mode = .data(matched: matched)
        return nil
    }

    private mutating func respond(to line: [UInt8]) -> Output {
        if case .authenticating(let remaining) = mode {
            mode = remaining > 1 ? .authenticating(remaining: remaining - 1) : .commands
            return .reply(remaining > 1 ? SMTPReply.passwordChallenge.wireBytes : SMTPReply.authenticationSuccessful.wireBytes)
        }
        let words = String(decoding: line, as: UTF8.self).split(separator: " ").map { $0.uppercased() }
        switch words.first ?? "" {
        case "EHLO":
            var extensions = ["PIPELINING", "SIZE 0", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "AUTH PLAIN LOGIN"]
            if offersTLS && !isTLSActive { extensions.append("STARTTLS") }
            return .reply(SMTPReply.extendedHello(hostname: Self.hostname, extensions: extensions).wireBytes)
        case "HELO":
            return .reply(SMTPReply.hello(hostname: Self.hostname).wireBytes)
        case "STARTTLS" where offersTLS && !isTLSActive:
            return .startTLS
        case "AUTH":
            if words.count >= 3 { return .reply(SMTPReply.authenticationSuccessful.wireBytes) }
            let isLogin = words.count == 2 && words[1] == "LOGIN"
            mode = .authenticating(remaining: isLogin ? 2 : 1)
            return .reply(isLogin ? SMTPReply.usernameChallenge.wireBytes : SMTPReply.emptyChallenge.wireBytes)
        case "MAIL":
            return .reply(SMTPReply.senderOk.wireBytes)
        case "RCPT":
            return .reply(SMTPReply.recipientOk.wireBytes)
        case "DATA":
            mode = .data(matched: 2)  // the CRLF that ended DATA starts the terminator (RFC 5321 §4.1.1.4)
            return .reply(SMTPReply.startMailInput.wireBytes)
        case "QUIT":
            return .close
        default:
            return .reply(SMTPReply.ok.wireBytes)
        }
    }
}
