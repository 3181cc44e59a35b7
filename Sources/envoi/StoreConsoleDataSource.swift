import Console
import DKIM
import DkimService
import DNSResolver
import EnvoiCore
import EnvoiStore
import Foundation
import SMTPProtocol

/// The console's reads and changes over the store a node runs on, SQLite or the PostgreSQL
/// database several nodes share: the lists through `ConsoleStore`, the changes through the same
/// control-plane capabilities the HTTPS API calls (`SenderStore`, `SuppressionStore`,
/// `DkimStore`), DKIM checks through `DkimChecker`. Every call is async and, on SQLite, runs on a
/// GCD worker (`Blocking`), never on the terminal thread or the cooperative pool.
struct StoreConsoleDataSource: ConsoleDataSource {
    let store: any ConsoleStore
    let controlPlane: any SenderStore & SuppressionStore & DkimStore
    let dkimChecks: any DkimCheckStore
    let dkimChecker: DkimChecker
    /// The tenancy's limits as last read by the intake (for the text of a 455).
    let limits: @Sendable () -> SendLimits

    func senders() async throws -> [SenderRow] {
        try await store.allSenders().map { listed in
            let sender = listed.sender
            return SenderRow(id: sender.id, address: sender.emailAddress, compartment: listed.compartmentName,
                             state: sender.lifecycleState.rawValue, isSpf: sender.isSpf, created: sender.timeCreated)
        }
    }

    func domains() async throws -> [DomainRow] {
        async let keys = dkimChecks.allDkimKeys()
        let domains = try await store.allEmailDomains()
        let selectors = Dictionary(try await keys.map { ($0.key.id, $0.key.name) }, uniquingKeysWith: { first, _ in first })
        return domains.map { domain in
            DomainRow(id: domain.id, name: domain.name, state: domain.lifecycleState.rawValue,
                      activeSelector: domain.activeDkimId.flatMap { selectors[$0] }, isSpf: domain.isSpf, created: domain.timeCreated)
        }
    }

    func dkimKeys() async throws -> [DkimKeyRow] {
        try await dkimChecks.allDkimKeys().map { DkimKeyRow(key: $0.key, domain: $0.domainName) }
    }

    func suppressions(_ request: SuppressionRequest, limit: Int) async throws -> SuppressionPageResult {
        let page = try await store.suppressions(prefix: request.prefix.isEmpty ? nil : request.prefix, reason: request.reason,
                                                limit: limit, page: request.page)
        return SuppressionPageResult(request: request, items: page.items, nextPage: page.nextPage)
    }

    func activity(limit: Int) async throws -> [ActivityEvent] {
        try await store.events(limit: limit).map { event in
            var status = [event.status, event.errorType].compactMap { $0 }.joined(separator: " · ")
            if status.isEmpty { status = event.type == "accepted" ? "queued" : event.dkimSelector.map { "signed with \($0)" } ?? "-" }
            return ActivityEvent(id: event.id, time: event.time, type: event.type, recipient: event.recipient, sender: event.envelopeSender,
                                 status: status, messageId: event.messageId)
        }
    }

    func mail(limit: Int) async throws -> [MailItem] {
        try await store.mailbox(limit: limit).map {
            MailItem(id: $0.id, delivered: $0.timeDelivered, sender: $0.envelopeSender, recipients: $0.recipients,
                     dkimSelector: $0.dkimSelector, size: $0.size)
        }
    }

    func mailMessage(_ id: Int64) async throws -> MailMessageText {
        let (_, body) = try await store.mailboxMessage(id)
        return MailMessageText(id: id, text: String(decoding: body, as: UTF8.self))
    }

    /// In the tenancy's root compartment, as `envoi sender create` approves one.
    func addSender(_ address: String) async throws -> String {
        try await store.createSenderInRootCompartment(email: address).emailAddress
    }

    func deleteSender(_ id: OCID) async throws {
        try await controlPlane.deleteSender(id)
    }

    func addSuppression(_ address: String) async throws -> String {
        try await controlPlane.addSuppression(email: address).emailAddress
    }

    func removeSuppression(_ id: OCID) async throws {
        try await controlPlane.removeSuppression(id)
    }

    /// As the HTTPS API's CreateDkim makes one (DkimService's generator, off the cooperative pool;
    /// a SUCCEEDED work request recorded with it), without a retry token.
    func createDkimKey(domain: OCID) async throws -> String {
        let creation = DkimCreation(emailDomainId: domain, selector: nil, description: nil, privateKeyPEM: nil)
        // The answer is what an API client would get; the console wants only the new selector.
        let selector = Locked<String?>(nil)
        _ = try await controlPlane.createDkim(creation, answering: Answering(nil) { key, _ in
            selector.withLock { $0 = key.name }
            return RecordedAnswer(status: 200, body: "")
        })
        guard let name = selector.withLock({ $0 }) else { throw ConfigurationErrorMessage("the DKIM key was not created") }
        return name
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
