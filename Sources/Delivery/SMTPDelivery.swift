import SMTPClient
import SMTPProtocol

/// One message to one destination over SMTP, shared by the relay and direct transports: the
/// hosts are tried in order, each through a pooled session when one is idle, and the replies
/// are classified per recipient.
///
/// A host is skipped for the next one when no session can be set up with it — the connection
/// is refused or times out, the greeting or EHLO is a 4yz or 5yz (Postfix's
/// `smtp_skip_5xx_greeting`), TLS is required and not available (RFC 5321 §5.1: try the next
/// address). Once a session is up, its replies decide, and no further host is tried: a 4yz to
/// the transaction defers, a 5yz bounces.
public struct SMTPDelivery<C: Clock>: Sendable where C.Duration == Duration {
    private let connector: any SMTPConnector
    private let pool: SMTPConnectionPool<C>
    private let tlsPolicy: SMTPClientConfiguration.TLSPolicy

    /// - Parameter tlsPolicy: the policy the connector's sessions follow, so that a host that
    ///   could not give TLS under `.required` is reported as such.
    public init(connector: any SMTPConnector, pool: SMTPConnectionPool<C>, tlsPolicy: SMTPClientConfiguration.TLSPolicy) {
        self.connector = connector
        self.pool = pool
        self.tlsPolicy = tlsPolicy
    }

    /// Sends `message` from `sender` to `recipients` through the first host of `hops` that
    /// takes a session.
    public func send(_ message: [UInt8], from sender: String, to recipients: [String], hops: [NextHop]) async -> TransportResult {
        let envelope = SMTPClientMessage(reversePath: sender, recipients: recipients, content: message)
        var lastFailure: (hop: NextHop, error: any Error)?
        for hop in hops {
            if let lease = await pool.checkOut(hop.poolKey) {
                if let result = await transact(envelope, on: lease.session, carried: lease.messages, hop: hop, reused: true) {
                    return result
                }
                // The pooled session had died unseen: nothing was sent, so open a fresh one.
            }
            let session: any SMTPSession
            do {
                session = try await connector.connect(to: hop)
            } catch {
                lastFailure = (hop, error)
                continue
            }
            if let result = await transact(envelope, on: session, carried: 0, hop: hop, reused: false) {
                return result
            }
        }
        guard let failure = lastFailure else {
            return .all(recipients, .deferred(status: SMTPReply.noRoute(to: recipients.first.map(Self.domain(of:)) ?? "?").description))
        }
        return .all(recipients, .deferred(status: setupFailure(failure.error, hop: failure.hop).description),
                    remoteHost: failure.hop.description)
    }

    /// Runs one transaction; nil when a reused session turned out dead before any reply (safe to
    /// retry: no content is sent before a 354).
    private func transact(_ envelope: SMTPClientMessage, on session: any SMTPSession, carried: Int, hop: NextHop,
                          reused: Bool) async -> TransportResult? {
        let remote = hop.description
        let result: SMTPDeliveryResult
        do {
            result = try await session.deliver(envelope)
        } catch {
            session.close()
            if reused { return nil }
            return .all(envelope.recipients, .deferred(status: SMTPReply.sessionFailed(with: remote, error: "\(error)").description),
                        remoteHost: remote)
        }
        let unanswered = result.recipients.allSatisfy { if case .failed = $0.outcome { true } else { false } }
        if reused, result.error?.isTransient == true, unanswered {
            session.close()
            return nil
        }
        if result.error == nil && session.isOpen {
            await pool.checkIn(session, key: hop.poolKey, messages: carried + 1)
        } else {
            session.close()
        }
        var outcomes: [String: DeliveryOutcome] = [:]
        for recipient in result.recipients {
            outcomes[recipient.recipient] = Self.classify(recipient)
        }
        for recipient in envelope.recipients where outcomes[recipient] == nil {
            outcomes[recipient] = .deferred(status: SMTPReply.noReplyForRecipient(from: remote).description)
        }
        return TransportResult(outcomes: outcomes, remoteHost: remote)
    }

    /// The status of a host with which no session could be set up.
    private func setupFailure(_ error: any Error, hop: NextHop) -> SMTPReply {
        if tlsPolicy == .required, let error = error as? SMTPClientError, error.isTLSFailure {
            return .encryptionRequired(by: hop.description, error: "\(error)")
        }
        return .noSession(with: hop.description, error: "\(error)")
    }

    static func domain(of recipient: String) -> String {
        recipient.split(separator: "@").last.map { $0.lowercased() } ?? recipient.lowercased()
    }

    /// A recipient's outcome from its deciding reply, or from the client error that left it
    /// without one.
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
