@testable import Console
import EnvoiCore
import Foundation

/// Fixed models for the renderer and reducer tests: fixed ids, times and counts, so that every
/// frame is the same on every run.
enum ConsoleFixture {
    static let time = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06:40 UTC

    static func id(_ type: String, _ n: Int) -> OCID {
        OCID("ocid1.\(type).envoi..fixture\(String(format: "%04d", n))")!
    }

    static let statistics = StatisticsSnapshot(
        time: time, limits: SendLimits(messagesPerMinute: 100, messagesPerDay: 1_000, maxMessageSize: 10_485_760),
        minuteUsage: 75, dayUsage: 950, perMinuteHistory: (0..<60).map { $0 % 10 == 0 ? 0 : ($0 * 7) % 40 },
        ratePerSecond: 1.5, connections: ["127.0.0.1:2525": 3, "127.0.0.1:2587": 0], queueDepth: 12,
        totals: [ServiceStatistics.Event.accepted.rawValue: 950, ServiceStatistics.Event.relayed.rawValue: 930,
                 ServiceStatistics.Event.deferred.rawValue: 4, ServiceStatistics.Event.bouncedHard.rawValue: 2,
                 ServiceStatistics.Event.suppressed.rawValue: 7, ServiceStatistics.Event.rejected.rawValue: 3,
                 ServiceStatistics.Event.authFailures.rawValue: 1],
        rejectedByReason: ["limit_per_minute": 2, "sender_not_authorized": 1])

    static let senders = [
        SenderRow(id: id("emailsender", 1), address: "app@example.com", compartment: "envoi", state: "ACTIVE", isSpf: true, created: time),
        SenderRow(id: id("emailsender", 2), address: "billing@example.com", compartment: "Équipe 東京", state: "ACTIVE", isSpf: false,
                  created: time.addingTimeInterval(3_600)),
        SenderRow(id: id("emailsender", 3), address: "@news.example.com", compartment: "marketing", state: "ACTIVE", isSpf: true,
                  created: time.addingTimeInterval(7_200)),
    ]

    static let domains = [
        DomainRow(id: id("emaildomain", 1), name: "example.com", state: "ACTIVE", activeSelector: "envoi-20261118", isSpf: true, created: time),
        DomainRow(id: id("emaildomain", 2), name: "example.net", state: "ACTIVE", activeSelector: nil, isSpf: false, created: time),
    ]

    static let txt = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu5Q2fXq3mXoTq1d9Lw0Zx8y6b4nS7hYc2kQ1Z0d8dJ3r5"
        + "P0qk1x3m7T9wz4b5aYx0s2cL8f6Jq3nH1vY2rW7uE9iK0oP4lM3zN6bV5cX8dA1sF2gH3jK4lQ5wE6rT7yU8iO9pA0sD1fG2hJ3kL4zX5cV6bN7mQIDAQAB"

    static let dkimKeys = [
        DkimKeyRow(key: DkimKey(id: id("emaildkim", 1), name: "envoi-20261118", emailDomainId: id("emaildomain", 1),
                                compartmentId: id("tenancy", 1), lifecycleState: .active,
                                lifecycleDetails: "Verified: the CNAME points at the record Envoi publishes.", timeCreated: time, timeUpdated: time,
                                dnsSubdomainName: "envoi-20261118._domainkey.example.com",
                                cnameRecordValue: "envoi-20261118.example.com.dkim.envoi.test", txtRecordValue: txt,
                                isImported: false, keyLength: 2048, algorithm: "rsa-sha256"), domain: "example.com"),
        DkimKeyRow(key: DkimKey(id: id("emaildkim", 2), name: "rotate-2027", emailDomainId: id("emaildomain", 2),
                                compartmentId: id("tenancy", 1), lifecycleState: .needsAttention,
                                lifecycleDetails: "The CNAME was published as rotate-2027._domainkey.example.net.example.net: the name was entered without its final dot.",
                                timeCreated: time, timeUpdated: time, dnsSubdomainName: "rotate-2027._domainkey.example.net",
                                cnameRecordValue: "rotate-2027.example.net.dkim.envoi.test", txtRecordValue: txt,
                                isImported: false, keyLength: 2048, algorithm: "rsa-sha256"), domain: "example.net"),
    ]

    static let suppressions = [
        Suppression(id: id("emailsuppression", 1), compartmentId: id("tenancy", 1), emailAddress: "bounce@example.org", reason: .hardBounce,
                    timeCreated: time, timeLastSuppressed: time.addingTimeInterval(600), messageId: "m1@example.com",
                    errorDetail: "550 5.1.1 <bounce@example.org>: Recipient address rejected: User unknown", errorSource: "mx.example.org"),
        Suppression(id: id("emailsuppression", 2), compartmentId: id("tenancy", 1), emailAddress: "angry@example.org", reason: .complaint,
                    timeCreated: time, timeLastSuppressed: time, errorDetail: "Feedback report: abuse"),
        Suppression(id: id("emailsuppression", 3), compartmentId: id("tenancy", 1), emailAddress: "用户@例子.广告", reason: .manual,
                    timeCreated: time, timeLastSuppressed: time),
    ]

    static let activity = [
        ActivityEvent(id: 3, time: time.addingTimeInterval(5), type: "relayed", recipient: "ops@example.org", sender: "app@example.com",
                      status: "250 2.0.0 Ok: queued as 4F2A", messageId: "m3@example.com"),
        ActivityEvent(id: 2, time: time.addingTimeInterval(2), type: "suppressed", recipient: "bounce@example.org", sender: "app@example.com",
                      status: "suppressed (HARDBOUNCE)", messageId: "m2@example.com"),
        ActivityEvent(id: 1, time: time, type: "accepted", recipient: "josé@exämple.com", sender: "app@example.com", messageId: "m1@example.com"),
    ]

    static let refusal = ActivityEvent(id: -1, time: time.addingTimeInterval(4), type: "rejected",
                                       status: "455 Maximum messages sent per minute reached : limit is 100")

    static let mail = [
        MailItem(id: 2, delivered: time, sender: "app@example.com", recipients: ["ops@example.org", "dev@example.org"],
                 dkimSelector: "envoi-20261118", size: 2_345),
        MailItem(id: 1, delivered: time, sender: "app@example.net", recipients: ["ops@example.org"], dkimSelector: nil, size: 812),
    ]

    static let message = MailMessageText(id: 2, text: """
        DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=envoi-20261118;\r
         h=from:to:subject:date:message-id; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r
         b=dGVzdHNpZ25hdHVyZQ==\r
        From: app@example.com\r
        To: ops@example.org\r
        Subject: Bonjour, ça va ?\r
        \r
        Hello.\r
        """)

    /// A model with every pane's data loaded.
    static func model(pane: Pane = .overview, readOnly: Bool = false) -> ConsoleModel {
        var model = ConsoleModel(readOnly: readOnly)
        model.pane = pane
        model.receive(.statistics(statistics))
        model.receive(.senders(senders))
        model.receive(.domains(domains))
        model.receive(.dkimKeys(dkimKeys))
        model.receive(.suppressions(SuppressionPageResult(request: SuppressionRequest(), items: suppressions, nextPage: "bmV4dA==")))
        model.receive(.activity(activity))
        model.receive(.refusals([refusal]))
        model.receive(.mail(mail))
        return model
    }
}
