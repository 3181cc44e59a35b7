import ArgumentParser
import DNSResolver
import EnvoiCore
import Foundation

extension DNSRecordType: ExpressibleByArgument {
    /// `A`, `AAAA`, `CNAME`, `MX`, `TXT` or `SOA`, in any case.
    public init?(argument: String) {
        guard let type = [DNSRecordType.a, .aaaa, .cname, .mx, .txt, .soa].first(where: { $0.description == argument.uppercased() }) else {
            return nil
        }
        self = type
    }
}

/// `envoi dns query NAME [--type T]`: what Envoi's resolver (`dns.resolver`) answers, to see what
/// the DKIM checker and direct delivery see.
struct DNSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dns", abstract: "DNS lookups through Envoi's resolver.",
                                                    subcommands: [Query.self])

    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Look a name up through dns.resolver and print the answer as zone-file lines.",
            discussion: "A lookup that gets no usable answer (timeout, SERVFAIL, refused) fails with exit status 1.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The name to look up.") var name: String
        @Option(help: "A, AAAA, CNAME, MX, TXT or SOA.") var type: DNSRecordType = .a

        /// The answer as printed.
        struct Answer: Encodable {
            struct Record: Encodable { var name: String; var type: String; var ttl: UInt32; var data: String }
            var name: String
            var type: String
            var status: String
            var answers: [Record]
        }

        func run() async throws {
            let resolver = DNSResolver(configuration: try global.resolve().configuration)
            let response: DNSResponse
            do {
                response = try await resolver.query(name, type)
            } catch {
                throw ControlPlaneError.invalid(field: "dns", error.description)
            }
            let answer = Answer(name: DNSName.normalized(name), type: type.description, status: response.code.description,
                                answers: response.answers.map { record in
                                    .init(name: record.name, type: record.type.description, ttl: record.ttl, data: Self.text(record.data))
                                })
            try Output.emit(answer, as: output.format) { answer in
                print(";; \(answer.name) \(answer.type): \(answer.status), \(answer.answers.count) answer(s)")
                for record in answer.answers { print("\(record.name). \(record.ttl) IN \(record.type) \(record.data)") }
            }
        }

        /// RDATA in zone-file presentation (RFC 1035 §5.1).
        static func text(_ data: DNSRecordData) -> String {
            switch data {
            case .a(let address), .aaaa(let address): address
            case .cname(let target): target + "."
            case .mx(let preference, let exchange): "\(preference) \(exchange)."
            case .txt(let strings): strings.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
                .joined(separator: " ")
            case .other(let bytes): "\\# \(bytes.count) " + bytes.map { String(format: "%02X", $0) }.joined()
            }
        }
    }
}
