import Console
import DKIM
import DkimService
import DNSResolver
import EnvoiCore
import EnvoiStore
import Foundation
import SMTPProtocol

/// The console's reads and changes over the control-plane store: the same store calls the CLI
/// commands make (`sender create`, `suppression add`, `dkim create`, `dkim check`…), each run on
/// a GCD worker (`Blocking`), never on the terminal thread or the cooperative pool.
struct StoreConsoleDataSource: ConsoleDataSource {
    let store: ControlPlaneStore
    let dkimKeyFactory: DkimKeyFactory
    let dkimChecker: DkimChecker
    /// The tenancy's limits as last read by the intake (for the text of a 455).
    let limits: @Sendable () -> SendLimits

    func senders() async throws -> [SenderRow] {
        try await Blocking.run { [store] in
            let names = Dictionary(try store.compartments().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            return try store.senders().map { sender in
                SenderRow(id: sender.id, address: sender.emailAddress, compartment: names[sender.compartmentId] ?? sender.compartmentId.rawValue,
                          state: sender.lifecycleState.rawValue, isSpf: sender.isSpf, created: sender.timeCreated)
            }
        }
    }

    func domains() async throws -> [DomainRow] {
        try await Blocking.run { [store] in
            let selectors = Dictionary(try store.allDkimKeys().map { ($0.key.id, $0.key.name) }, uniquingKeysWith: { first, _ in first })
            return try store.emailDomains().map { domain in
                DomainRow(id: domain.id, name: domain.name, state: domain.lifecycleState.rawValue,
                          activeSelector: domain.activeDkimId.flatMap { selectors[$0] }, isSpf: domain.isSpf, created: domain.timeCreated)
            }
        }
    }

    func dkimKeys() async throws -> [DkimKeyRow] {
        try await Blocking.run { [store] in try store.allDkimKeys().map { DkimKeyRow(key: $0.key, domain: $0.domainName) } }
    }

    func suppressions(_ request: SuppressionRequest, limit: Int) async throws -> SuppressionPageResult {
        try await Blocking.run { [store] in
            let page = try store.suppressions(prefix: request.prefix.isEmpty ? nil : request.prefix, reason: request.reason,
                                              limit: limit, page: request.page)
            return SuppressionPageResult(request: request, items: page.items, nextPage: page.nextPage)
        }
    }

    func activity(limit: Int) async throws -> [ActivityEvent] {
        try await Blocking.run { [store] in
            try store.events(limit: limit).map { event in
                var status = [event.status, event.errorType].compactMap { $0 }.joined(separator: " · ")
                if status.isEmpty { status = event.type == "accepted" ? "queued" : event.dkimSelector.map { "signed with \($0)" } ?? "-" }
                return ActivityEvent(id: event.id, time: event.time, type: event.type, recipient: event.recipient, sender: event.envelopeSender,
                                     status: status, messageId: event.messageId)
            }
        }
    }

    func mail(limit: Int) async throws -> [MailItem] {
        try await Blocking.run { [store] in
            try store.mailbox(limit: limit).map {
                MailItem(id: $0.id, delivered: $0.timeDelivered, sender: $0.envelopeSender, recipients: $0.recipients,
                         dkimSelector: $0.dkimSelector, size: $0.size)
            }
        }
    }

    func mailMessage(_ id: Int64) async throws -> MailMessageText {
        try await Blocking.run { [store] in
            let (_, body) = try store.mailboxMessage(id)
            return MailMessageText(id: id, text: String(decoding: body, as: UTF8.self))
        }
    }

    func addSender(_ address: String) async throws -> String {
        try await Blocking.run { [store] in try store.createSender(email: address).emailAddress }
    }

    func deleteSender(_ id: OCID) async throws {
        try await Blocking.run { [store] in try store.deleteSender(id) }
    }

    func addSuppression(_ address: String) async throws -> String {
        try await Blocking.run { [store] in try store.addSuppression(email: address, reason: .manual).emailAddress }
    }

    func removeSuppression(_ id: OCID) async throws {
        try await Blocking.run { [store] in try store.removeSuppression(id) }
    }

    func createDkimKey(domain: OCID) async throws -> String {
        // Key generation (RSA 2048) takes a while: off the cooperative pool.
        try await Blocking.run { [dkimKeyFactory] in try dkimKeyFactory.create(.init(emailDomainId: domain)).name }
    }

    func recheckDkim(_ id: OCID) async throws -> String {
        let result = try await dkimChecker.check(id)
        return "\(result.key.lifecycleState.rawValue): \(result.key.lifecycleDetails ?? result.diagnosis.explanation)"
    }

    func reply(forRefusal reason: String) -> String {
        let limits = limits()
        switch reason {
        case "limit_per_minute": return SMTPReply.perMinuteLimitReached(limit: limits.messagesPerMinute).description
        case "limit_per_day": return SMTPReply.perDayLimitReached(limit: limits.messagesPerDay).description
        case "storage_failure": return SMTPReply.systemStorageError.description
        case "temporary_failure": return SMTPReply.serverError.description
        default: return reason.replacingOccurrences(of: "_", with: " ")
        }
    }
}
