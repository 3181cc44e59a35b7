import ArgumentParser
import DKIM
import EnvoiCore
import Foundation

/// `envoi dkim bench`: DKIM signing throughput on one core for each key type, next to
/// `openssl speed`'s raw signature rate measured in the same run.
struct DkimBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure DKIM signatures per second on one core (2 KiB message) next to `openssl speed -seconds N rsa2048 ed25519`.",
        discussion: "Each Envoi figure is a whole DKIM signature: parse, relaxed canonicalisation, body hash, header hash, "
            + "signature and field folding. Build in release mode for meaningful figures.")
    /// Accepted like every command's (the benchmark itself reads no data directory).
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Seconds per measurement (1-30).") var seconds: Int = 3
    @Option(help: "Rounds (1-10); each figure is the best round.") var rounds: Int = 3
    @Option(help: "Size of the message signed, in bytes.") var messageSize: Int = 2048
    @Option(help: "The openssl binary, or 'none' to skip it.") var openssl: String = "/usr/bin/openssl"

    /// One row of the table.
    struct Row: Encodable {
        var algorithm: String
        var envoiSignaturesPerSecond: Double
        var opensslSignaturesPerSecond: Double?
        var ratio: Double? { opensslSignaturesPerSecond.map { envoiSignaturesPerSecond / $0 } }

        enum CodingKeys: String, CodingKey { case algorithm, envoiSignaturesPerSecond, opensslSignaturesPerSecond, ratio }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(algorithm, forKey: .algorithm)
            try container.encode(envoiSignaturesPerSecond.rounded(), forKey: .envoiSignaturesPerSecond)
            try container.encodeIfPresent(opensslSignaturesPerSecond, forKey: .opensslSignaturesPerSecond)
            try container.encodeIfPresent(ratio, forKey: .ratio)
        }
    }

    func run() throws {
        guard (1...30).contains(seconds) else { throw ControlPlaneError.invalid(field: "seconds", "\(seconds) is not from 1 to 30") }
        guard (1...10).contains(rounds) else { throw ControlPlaneError.invalid(field: "rounds", "\(rounds) is not from 1 to 10") }
        guard (256...1_048_576).contains(messageSize) else {
            throw ControlPlaneError.invalid(field: "message-size", "\(messageSize) is not from 256 to 1048576 bytes")
        }
        let message = Self.message(size: messageSize)
        let kinds: [(DKIMPrivateKey.Kind, String)] = [(.rsa2048, "rsa2048"), (.ed25519, "ed25519")]
        var rows = kinds.map { Row(algorithm: $0.1, envoiSignaturesPerSecond: 0) }
        // Rounds interleave Envoi and OpenSSL and each side keeps its best round, so that a burst
        // from another user of the cores does not count against one side only.
        for _ in 0..<rounds {
            for (index, (kind, _)) in kinds.enumerated() {
                rows[index].envoiSignaturesPerSecond = max(rows[index].envoiSignaturesPerSecond,
                                                           try Self.measure(kind, message: message, seconds: seconds))
            }
            guard openssl != "none" else { continue }
            let rates = try Self.opensslSignRates(openssl, seconds: seconds)
            for index in rows.indices {
                guard let rate = rates[rows[index].algorithm] else { continue }
                rows[index].opensslSignaturesPerSecond = max(rows[index].opensslSignaturesPerSecond ?? 0, rate)
            }
        }
        try Output.emit(rows, as: output.format) { rows in
            print("DKIM signing on one core, \(messageSize)-byte message, best of \(rounds) round(s) of \(seconds) s")
            Output.table(["ALGORITHM", "ENVOI DKIM SIGN/S", "OPENSSL SPEED SIGN/S", "ENVOI / OPENSSL"], rows.map { row in
                [row.algorithm, String(format: "%.0f", row.envoiSignaturesPerSecond),
                 row.opensslSignaturesPerSecond.map { String(format: "%.0f", $0) } ?? "n/a",
                 row.ratio.map { String(format: "%.0f%%", $0 * 100) } ?? "n/a"]
            })
        }
    }

    /// Whole signatures per second of `message` with a fresh key of `kind`, on this thread.
    static func measure(_ kind: DKIMPrivateKey.Kind, message: [UInt8], seconds: Int) throws -> Double {
        let signer = try DKIMSigner(domain: DomainName("example.com")!, selector: "bench", privateKey: .generate(kind))
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        for _ in 0..<20 { _ = try signer.sign(message, at: time) }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(seconds)
        var count = 0
        var now = start
        while now < deadline {
            for _ in 0..<10 { _ = try signer.sign(message, at: time) }
            count += 10
            now = clock.now
        }
        let elapsed = now - start
        return Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// A plain-text message of exactly `size` bytes with the fields Envoi signs.
    static func message(size: Int) -> [UInt8] {
        let header = "From: Bench <bench@example.com>\r\nTo: someone@example.org\r\nSubject: DKIM signing benchmark\r\n"
            + "Date: Fri, 15 Jan 2027 10:00:00 +0000\r\nMessage-ID: <bench@example.com>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        var body = ""
        let line = "The quick brown fox jumps over the lazy dog, again and again, for the benchmark.\r\n"
        while header.utf8.count + body.utf8.count + line.utf8.count <= size { body += line }
        body += String(repeating: "x", count: max(0, size - header.utf8.count - body.utf8.count - 2)) + "\r\n"
        return Array((header + body).utf8.prefix(size))
    }

    /// `openssl speed -seconds N rsa2048 ed25519`: sign/s per algorithm (the second-to-last
    /// number of its result lines).
    static func opensslSignRates(_ path: String, seconds: Int) throws -> [String: Double] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["speed", "-seconds", "\(seconds)", "rsa2048", "ed25519"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { throw ControlPlaneError.invalid(field: "openssl", "cannot run \(path): \(error.localizedDescription)") }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var rates: [String: Double] = [:]
        for line in text.split(separator: "\n") {
            let numbers = line.split(separator: " ").compactMap { Double($0) }
            guard numbers.count >= 2 else { continue }
            if line.hasPrefix("rsa 2048 bits") || line.hasPrefix("rsa  2048 bits") { rates["rsa2048"] = numbers[numbers.count - 2] }
            if line.contains("(Ed25519)") { rates["ed25519"] = numbers[numbers.count - 2] }
        }
        return rates
    }
}
