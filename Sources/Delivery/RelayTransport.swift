import EnvoiCore
import SMTPClient
import SMTPProtocol

/// `delivery.mode = relay`: every message goes to one smarthost, over STARTTLS (required or
/// opportunistic) with AUTH PLAIN/LOGIN when credentials are configured.
public struct RelayTransport: Transport {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var tlsPolicy: SMTPClientConfiguration.TLSPolicy
        /// PEM file of the relay's CA; nil trusts the system roots.
        public var caFile: String?
        public var verifyCertificate: Bool
        public var credentials: SMTPClientCredentials?
        /// Our name in EHLO.
        public var hostname: String

        public init(host: String, port: Int, tlsPolicy: SMTPClientConfiguration.TLSPolicy = .opportunistic, caFile: String? = nil,
                    verifyCertificate: Bool = true, credentials: SMTPClientCredentials? = nil, hostname: String = "localhost") {
            self.host = host
            self.port = port
            self.tlsPolicy = tlsPolicy
            self.caFile = caFile
            self.verifyCertificate = verifyCertificate
            self.credentials = credentials
            self.hostname = hostname
        }
    }

    private let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func destination(of recipient: String) -> String { "\(configuration.host):\(configuration.port)" }

    public func deliver(_ message: [UInt8], job: DeliveryJob, recipients: [String], dkimSelector: String?) async -> TransportResult {
        await SMTPDelivery.send(message, from: job.envelopeSender, to: recipients, host: configuration.host, port: configuration.port,
                                client: SMTPClientConfiguration(hostname: configuration.hostname, tlsPolicy: configuration.tlsPolicy,
                                                                credentials: configuration.credentials),
                                verification: !configuration.verifyCertificate ? .none
                                    : configuration.caFile.map { .trustRootsFile($0) } ?? .systemRoots)
    }
}

/// One SMTP transaction toward one host, with the per-recipient results classified.
enum SMTPDelivery {
    static func send(_ message: [UInt8], from sender: String, to recipients: [String], host: String, port: Int,
                     client: SMTPClientConfiguration, verification: SMTPClientTLSConfiguration.Verification) async -> TransportResult {
        let remote = "\(host):\(port)"
        let connection: SMTPClientConnection
        do {
            let tls = client.tlsPolicy == .never ? nil : try SMTPClientTLSConfiguration(verification: verification, host: host)
            connection = try await SMTPClientConnection.connect(host: host, port: port, configuration: client, tls: tls)
        } catch {
            return .all(recipients, .deferred(status: SMTPReply.noSession(with: remote, error: "\(error)").description), remoteHost: remote)
        }
        defer { connection.close() }
        do {
            let delivery = try await connection.send(SMTPClientMessage(reversePath: sender, recipients: recipients, content: message))
            await connection.quit()
            var outcomes: [String: DeliveryOutcome] = [:]
            for result in delivery.result.recipients {
                outcomes[result.recipient] = classify(result)
            }
            for recipient in recipients where outcomes[recipient] == nil {
                outcomes[recipient] = .deferred(status: SMTPReply.noReplyForRecipient(from: remote).description)
            }
            return TransportResult(outcomes: outcomes, remoteHost: remote)
        } catch {
            return .all(recipients, .deferred(status: SMTPReply.sessionFailed(with: remote, error: "\(error)").description), remoteHost: remote)
        }
    }

    static func classify(_ result: SMTPRecipientResult) -> DeliveryOutcome {
        switch result.outcome {
        case .reply(let reply):
            let status = reply.wireText.split(separator: "\r\n").last.map(String.init) ?? "\(reply.code)"
            return switch result.disposition {
            case .accepted: .relayed(status: status)
            case .transientFailure: .deferred(status: status)
            case .permanentFailure: .bounced(status: status)
            }
        case .failed(let error):
            let permanent = result.disposition == .permanentFailure
            let status = SMTPReply.clientFailure("\(error)", permanent: permanent).description
            return permanent ? .bounced(status: status) : .deferred(status: status)
        }
    }
}
