import ArgumentParser
import DKIM
import DNSResolver
import DkimService
import EnvoiCore
import EnvoiStore
import Foundation

/// `envoi dkim check ID | --all`: one DNS check now, with what it found.
struct DkimCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Look the key's DNS record up now and set ACTIVE or NEEDS_ATTENTION with the reason.",
        discussion: "A DNS failure (timeout, SERVFAIL, refused) keeps the key's state and is reported. Exit status 0 whatever DNS shows.")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "DKIM key id.") var id: String?
    @Flag(help: "Check every CREATING, NEEDS_ATTENTION and ACTIVE key.") var all = false

    func validate() throws {
        guard (id != nil) != all else { throw ValidationError("give a DKIM key id or --all, not both") }
    }

    /// One check as printed.
    struct Report: Encodable {
        var key: DkimKey
        var previousState: String
        var outcome: String
        var explanation: String
        var namesLookedUp: [String]

        init(_ result: DkimChecker.Result) {
            key = result.key
            previousState = result.previousState.rawValue
            switch result.diagnosis {
            case .verified: outcome = "VERIFIED"
            case .needsAttention: outcome = "NEEDS_ATTENTION"
            case .lookupFailed: outcome = "LOOKUP_FAILED"
            }
            explanation = result.diagnosis.explanation
            namesLookedUp = result.namesLookedUp
        }

        func print() {
            Swift.print("DKIM key \(key.id) (\(key.name)): \(key.lifecycleState.rawValue)"
                        + (previousState == key.lifecycleState.rawValue ? "" : " (was \(previousState))"))
            Swift.print("  \(outcome): \(explanation)")
            Swift.print("  looked up: \(namesLookedUp.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let configuration = try global.resolve().configuration
        let checker = DkimChecker(store: try global.openStore(), resolver: DNSResolver(configuration: configuration))
        if let id {
            let report = Report(try await checker.check(parseID(id, .dkim, field: "dkim id")))
            try Output.emit(report, as: output.format) { $0.print() }
            return
        }
        var reports: [Report] = []
        for (id, outcome) in await checker.checkAll() {
            switch outcome {
            case .success(let result): reports.append(Report(result))
            case .failure(let error): FileHandle.standardError.write(Data("envoi: warning: DKIM key \(id): \(error)\n".utf8))
            }
        }
        try Output.emit(reports, as: output.format) { reports in reports.forEach { $0.print() } }
    }
}

/// `envoi domain check ID`: `isSpf` from the domain's SPF record, now.
struct DomainCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Look the domain's SPF record up now and set isSpf (true when it includes spf.include).")
    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Email domain id.") var id: String

    func run() async throws {
        let configuration = try global.resolve().configuration
        let checker = SpfChecker(store: try global.openStore(), resolver: DNSResolver(configuration: configuration),
                                 include: configuration.spfInclude)
        let result = try await checker.check(parseID(id, .emailDomain, field: "email domain id"))
        struct Report: Encodable { var domain: EmailDomain; var explanation: String; var lookupFailed: Bool }
        let report = Report(domain: result.domain, explanation: result.explanation, lookupFailed: result.inclusion == nil)
        try Output.emit(report, as: output.format) { report in
            print("Email domain \(report.domain.name): isSpf \(report.domain.isSpf)")
            print("  \(report.explanation)")
        }
    }
}

/// `envoi dkim zone`: the publish zone's TXT records as a zone file.
struct DkimZoneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zone", abstract: "Write the publish zone's TXT records (dkim.publish_zone) as a standard zone file.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("file"), help: "Write to this file instead of standard output.") var file: String?
    @Option(name: .customLong("nameserver"), help: "Add SOA and NS records naming this server, making a complete zone.") var nameServer: String?
    @Option(help: "TTL of the records in seconds.") var ttl: Int = DkimZoneFile.defaultTTL

    func run() throws {
        guard (60...604_800).contains(ttl) else { throw ControlPlaneError.invalid(field: "ttl", "\(ttl) is not from 60 to 604800 seconds") }
        let server = try nameServer.map { text -> DomainName in
            guard let name = DomainName(text), name.isFullyQualified else {
                throw ControlPlaneError.invalid(field: "nameserver", "'\(text)' is not a domain name")
            }
            return name
        }
        let configuration = try global.resolve().configuration
        let zone = DkimZoneFile(zone: configuration.dkimPublishZone, ttl: ttl)
        let text = zone.render(try global.openStore().allDkimKeys(), generated: Date(), nameServer: server)
        guard let file else { return print(text, terminator: "") }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw ControlPlaneError.invalid(field: "file", "cannot write \(file): \(error.localizedDescription)")
        }
    }
}

/// `envoi dkim sign --domain D < message.eml`: the message with a DKIM-Signature from the
/// domain's ACTIVE key, on standard output (what delivery will do at send time).
struct DkimSignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign", abstract: "Sign a message from standard input with the domain's ACTIVE DKIM key.",
        discussion: "Bare LF line ends are turned into CRLF first, as on the wire (RFC 5322 §2.1).")
    @OptionGroup var global: GlobalOptions
    @Option(help: "The signing domain (an email domain with an ACTIVE key).") var domain: String

    func run() throws {
        let store = try global.openStore()
        let emailDomain = try store.emailDomain(named: domain)
        let (key, pem) = try store.activeDkimSigningKey(domain: emailDomain)
        let message = Self.crlf(Array(FileHandle.standardInput.readDataToEndOfFile()))
        guard !message.isEmpty else { throw ControlPlaneError.missing(field: "message (standard input)") }
        do {
            let signer = try DKIMSigner(domain: DomainName(emailDomain.name)!, selector: key.name,
                                        privateKey: DKIMPrivateKey(pemRepresentation: pem))
            FileHandle.standardOutput.write(Data(try signer.sign(message, at: Date())))
        } catch {
            throw ControlPlaneError.invalid(field: "message (standard input)", "\(error)")
        }
    }

    /// `bytes` with every bare LF preceded by CR.
    static func crlf(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + bytes.count / 40)
        var previous: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A, previous != 0x0D { result.append(0x0D) }
            result.append(byte)
            previous = byte
        }
        return result
    }
}
