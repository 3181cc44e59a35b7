import ArgumentParser
import Foundation
import SMTPClient
import SMTPLoad
import SMTPProtocol

/// `envoi loadgen`: bounded load tools for benchmarking SMTP servers on this machine.
struct LoadgenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Load tools: send a bounded SMTP load, or run a no-op SMTP sink.",
        subcommands: [LoadgenSMTPCommand.self, LoadgenSinkCommand.self])
}

/// `envoi loadgen smtp`: N connections, M messages in total, then throughput, latency and replies.
struct LoadgenSMTPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "smtp",
        abstract: "Send M messages over N connections and report messages/s, latency and reply counts.",
        discussion: "Exits 0 when every message got a final reply (whatever its code) before --timeout, 1 otherwise.")

    @Option(help: "Server host; loopback only unless --allow-remote.") var host = "127.0.0.1"
    @Option(help: "Server port.") var port: Int
    @Option(help: "Concurrent connections.") var connections = 1
    @Option(help: "Messages in total, spread over the connections.") var messages = 1
    @Option(help: "Bytes per message, header section included.") var size = 2048
    @Flag(help: "Require STARTTLS.") var starttls = false
    @Option(name: .customLong("ca-file"), help: "Verify the server's certificate against this PEM file (default: no verification).")
    var caFile: String?
    @Option(help: "USER:PASS for AUTH PLAIN/LOGIN, over TLS only (also ENVOI_LOADGEN_AUTH); never printed.")
    var auth: String?
    @Flag(help: "Pipeline MAIL, RCPT and DATA when the server offers PIPELINING.") var pipelining = false
    @Option(help: "Envelope and header sender.") var from = "loadgen@envoi.test"
    @Option(help: "Envelope and header recipient.") var to = "sink@envoi.test"
    @Option(help: "Time limit for the whole run, in seconds.") var timeout: Double = 60
    @Option(help: "Event-loop threads of the generator.") var threads = 2
    @Flag(name: .customLong("allow-remote"), help: "Allow a target outside 127.0.0.0/8 and ::1.") var allowRemote = false
    @Flag(help: "Print the report as one JSON object.") var json = false

    func run() throws {
        guard timeout >= 1, timeout <= 86_400 else { throw ValidationError("--timeout must be 1...86400 seconds") }
        let configuration = SMTPLoadConfiguration(
            host: host, port: port, connections: connections, messages: messages, messageSize: size,
            startTLS: starttls, tlsVerification: caFile.map { .trustRootsFile($0) } ?? .none,
            credentials: try credentials(), pipelining: pipelining, sender: from, recipient: to,
            timeout: .milliseconds(Int64((timeout * 1000).rounded())), threads: threads, allowsRemoteTarget: allowRemote)
        if let problem = configuration.validate() { throw ValidationError(problem) }
        let report = try SMTPLoadGenerator(configuration: configuration).runAndWait()
        FileHandle.standardOutput.write(Data(((json ? report.json : report.text) + "\n").utf8))
        if !report.isComplete {
            Envoi.fail("\(configuration.messages - report.replied) of \(configuration.messages) messages got no final reply"
                       + (report.timedOut ? " (run timed out)" : ""), status: 1)
        }
    }

    /// `USER:PASS` from the flag or the environment; the password goes nowhere but AUTH.
    private func credentials() throws -> SMTPClientCredentials? {
        let environment = ProcessInfo.processInfo.environment["ENVOI_LOADGEN_AUTH"].flatMap { $0.isEmpty ? nil : $0 }
        guard let value = auth ?? environment else { return nil }
        guard let colon = value.firstIndex(of: ":"), colon != value.startIndex else {
            throw ValidationError("--auth expects USER:PASS")
        }
        return SMTPClientCredentials(username: String(value[..<colon]), password: String(value[value.index(after: colon)...]))
    }
}

/// `envoi loadgen sink`: answers 250 to everything and keeps nothing, to measure the generator.
struct LoadgenSinkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink",
        abstract: "Run a no-op SMTP server that accepts everything and stores nothing.",
        discussion: "Prints 'sink listening on HOST:PORT' once bound; stops on SIGINT or SIGTERM, or after --duration.")

    @Option(help: "HOST:PORT to listen on (port 0 picks a free one); loopback only unless --allow-remote.")
    var listen = "127.0.0.1:0"
    @Flag(help: "Offer STARTTLS with a self-signed certificate made at start.") var starttls = false
    @Option(name: .customLong("write-certificate"), help: "Write that certificate (PEM) to this file, for --ca-file.")
    var certificateFile: String?
    @Option(help: "Stop after this many seconds.") var duration: Double = 3600
    @Flag(name: .customLong("allow-remote"), help: "Allow listening outside 127.0.0.0/8 and ::1.") var allowRemote = false

    func run() throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
              (0...65_535).contains(port) else {
            throw ValidationError("--listen expects HOST:PORT")
        }
        let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard allowRemote || ["localhost", "::1"].contains(host) || host.hasPrefix("127.") else {
            throw ValidationError("--listen \(host) is not a loopback address; pass --allow-remote")
        }
        guard duration > 0, duration <= 86_400 else { throw ValidationError("--duration must be more than 0 and at most 86400 seconds") }
        let sink = try SMTPSink(host: host, port: port, offersTLS: starttls)
        if let certificateFile, let pem = sink.certificatePEM {
            try Data(pem.utf8).write(to: URL(fileURLWithPath: certificateFile))
        }
        let signals = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { sink.stop() }
            source.resume()
            return source
        }
        defer { signals.forEach { $0.cancel() } }
        try sink.serveAndWait(until: .now + .milliseconds(Int64((duration * 1000).rounded()))) { address in
            // Written unbuffered: a script waits for this line before it starts the load.
            FileHandle.standardOutput.write(Data("sink listening on \(address)\n".utf8))
        }
    }
}
