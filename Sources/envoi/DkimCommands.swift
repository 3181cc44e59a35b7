import ArgumentParser
import DKIM
import DkimService
import EnvoiCore
import EnvoiStore
import Foundation

extension DKIMPrivateKey.Kind: ExpressibleByArgument {}

extension DkimKey: Renderable {
    static let headers = ["ID", "SELECTOR", "STATE", "ALGORITHM", "BITS", "IMPORTED", "CREATED", "DETAILS"]
    var cells: [String] {
        [id.rawValue, name, lifecycleState.rawValue, algorithm, "\(keyLength)", isImported ? "yes" : "no",
         Output.timestamp(timeCreated), lifecycleDetails ?? "-"]
    }

    /// Every field, for `get`: the record values are public (they are what DNS publishes).
    var allFields: [(String, String)] {
        [("id", id.rawValue), ("selector", name), ("email domain", emailDomainId.rawValue), ("compartment", compartmentId.rawValue),
         ("state", lifecycleState.rawValue), ("details", lifecycleDetails ?? "-"), ("algorithm", algorithm),
         ("key length", "\(keyLength)"), ("imported", isImported ? "yes" : "no"), ("dns name", dnsSubdomainName),
         ("cname value", cnameRecordValue), ("txt value", txtRecordValue), ("created", Output.timestamp(timeCreated)),
         ("updated", Output.timestamp(timeUpdated)), ("description", description ?? "-")]
    }
}

/// `envoi dkim …`: DKIM keys of email domains, their DNS records, checks and signing.
struct DkimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dkim", abstract: "DKIM keys of email domains (at most 2 per domain, one ACTIVE).",
        subcommands: [Create.self, List.self, Get.self, Show.self, Delete.self, DkimCheckCommand.self, DkimZoneCommand.self,
                      DkimSignCommand.self, DkimBenchCommand.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key (generated, or imported from a PEM file); it starts NEEDS_ATTENTION until its DNS record is found.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("domain-id"), help: "Email domain id.") var domain: String
        @Option(help: "Selector: 1-63 of a-z, 0-9 and '-' (default envoi-YYYYMMDD).") var selector: String?
        @Option(help: "rsa2048 (default), rsa3072 or ed25519.") var algorithm: DKIMPrivateKey.Kind?
        @Option(name: .customLong("private-key"), help: "Import this PEM private key instead of generating one.") var privateKey: String?
        @Option(help: "Description.") var description: String?

        func validate() throws {
            if algorithm != nil, privateKey != nil {
                throw ValidationError("--algorithm and --private-key exclude each other: an imported key has its own algorithm")
            }
        }

        func run() throws {
            let domainID = try parseID(domain, .emailDomain, field: "domain-id")
            let pem = try privateKey.map { path -> String in
                guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                    throw ControlPlaneError.invalid(field: "private-key", "cannot read \(path)")
                }
                return text
            }
            let configuration = try global.resolve().configuration
            let factory = DkimKeyFactory(store: try global.openStore(), publishZone: configuration.dkimPublishZone)
            let key = try factory.create(.init(emailDomainId: domainID, selector: selector, algorithm: algorithm ?? .rsa2048,
                                               privateKeyPEM: pem, description: description))
            try Output.emit(key, as: output.format) { Output.fields($0.allFields) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the DKIM keys of a domain.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("domain-id"), help: "Email domain id.") var domain: String
        func run() throws {
            let domainID = try parseID(domain, .emailDomain, field: "domain-id")
            try Output.list(try global.openStore().dkimKeys(domain: domainID), as: output.format)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a DKIM key (never its private key).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "DKIM key id.") var id: String
        func run() throws {
            let key = try global.openStore().dkimKey(parseID(id, .dkim, field: "dkim id"))
            try Output.emit(key, as: output.format) { Output.fields($0.allFields) }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a DKIM key (mail of its domain is then not signed with it).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "DKIM key id.") var id: String
        func run() throws {
            let id = try parseID(id, .dkim, field: "dkim id")
            try global.openStore().deleteDkim(id)
            print("Deleted DKIM key \(id)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the DNS record lines the domain owner adds: the CNAME way and the TXT way.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "DKIM key id.") var id: String
        func run() throws {
            let found = try global.openStore().dkimKeyOfDomain(parseID(id, .dkim, field: "dkim id"))
            try Output.emit(DkimPublishingInstructions(found), as: output.format) { print($0.text) }
        }
    }
}

/// What `envoi dkim show` prints: the exact records a domain owner adds, both ways, in zone
/// file syntax with absolute names (final dot), and the zone-relative spelling that avoids the
/// commonest mistake (a name entered as absolute without its final dot, BEHAVIOUR §5).
struct DkimPublishingInstructions: Encodable {
    var dkimId: String
    var domain: String
    var dnsSubdomainName: String
    var cnameRecordValue: String
    var txtRecordValue: String
    /// `<name>. 3600 IN CNAME <target>.`
    var cnameRecord: String
    /// `<name>. 3600 IN TXT ( "…" "…" )`, strings of at most 255 octets.
    var txtRecord: String
    /// The character-strings of the TXT record.
    var txtStrings: [String]
    var state: String
    var details: String?

    init(_ found: DkimKeyOfDomain) {
        let key = found.key
        dkimId = key.id.rawValue
        domain = found.domainName
        dnsSubdomainName = key.dnsSubdomainName
        cnameRecordValue = key.cnameRecordValue
        txtRecordValue = key.txtRecordValue
        cnameRecord = "\(key.dnsSubdomainName). 3600 IN CNAME \(key.cnameRecordValue)."
        txtRecord = TXTRecordText.zoneFileRecord(name: key.dnsSubdomainName + ".", value: key.txtRecordValue, ttl: 3600)
        txtStrings = TXTRecordText.characterStrings(key.txtRecordValue)
        state = key.lifecycleState.rawValue
        details = key.lifecycleDetails
    }

    /// The text for people.
    var text: String {
        let relative = String(dnsSubdomainName.dropLast(domain.count + 1))
        return """
            DKIM key \(dkimId) of \(domain): \(state)
            \(details.map { "  \($0)\n" } ?? "")
            Publish ONE of these in the DNS zone of \(domain), not both.

            1. The CNAME way (preferred: Envoi's zone serves the key, rotations need no change on your side):

            \(cnameRecord)

            2. The TXT way (when a CNAME is impossible): one TXT record of \(txtStrings.count) string(s):

            \(txtRecord)

            Inside the zone file of \(domain) the name may also be written relative, as \(relative) (no final dot).
            Written without the final dot, \(dnsSubdomainName) would land at \(dnsSubdomainName).\(domain).
            Then run: envoi dkim check \(dkimId)
            """
    }
}
