import Foundation
import SMTPProtocol

/// The messages of `envoi demo`'s traffic: receipts, alerts and password resets from the
/// transactional senders, and newsletters; RFC 5322 text with a unique Message-ID each.
enum DemoMessages {
    /// Local parts and domains that recipients are made of (example domains, RFC 2606).
    static let people = ["alice", "bob", "carol", "dmitri", "eve", "frank", "grace", "hiro", "ines", "jamal", "kemal", "lena"]
    static let domains = ["example.org", "example.net", "example.com", "mail.example.org"]
    /// Subjects per transactional sender, in `DemoSeed.transactionalSenders` order.
    static let subjects = [["Your receipt #%d", "Invoice %d is ready", "Payment received (#%d)"],
                           ["Disk usage at 91%% on web-%d", "Backup %d completed", "New sign-in to your account (%d)"],
                           ["Reset your password (request %d)", "Confirm your email address (%d)", "Welcome aboard, #%d"]]
    /// One recipient in this many is taken from the suppression list.
    static let suppressedShare = 8

    /// Steady message `sequence` of `worker`: one recipient mostly, now and then two or three.
    static func transactional(tenant: DemoTenant, worker: Int, sequence: Int) -> SMTPClientMessage {
        let serial = sequence * 7 + worker * 3
        let senderIndex = serial % tenant.senders.count
        let count = serial % 10 == 0 ? 3 : serial % 5 == 0 ? 2 : 1
        let recipients = (0..<count).map { recipient(tenant: tenant, serial: serial * 3 + $0) }
        let templates = subjects[senderIndex % subjects.count]
        let subject = String(format: templates[serial % templates.count], 10_000 + serial)
        return compose(from: tenant.senders[senderIndex], to: recipients, subject: subject,
                       body: "Hello,\r\n\r\nThis is an envoi demo message (\(subject)).\r\n\r\n-- \r\nThe demo.example team\r\n",
                       id: "t\(worker).\(sequence)")
    }

    /// Newsletter `issue` to `recipients` readers, split into messages of `perMessage` recipients.
    static func newsletter(tenant: DemoTenant, issue: Int, recipients: Int, perMessage: Int) -> [SMTPClientMessage] {
        let readers = (0..<recipients).map { "reader\(issue * 10_000 + $0)@\(domains[$0 % domains.count])" }
        let size = max(1, perMessage)
        return stride(from: 0, to: readers.count, by: size).map { start in
            compose(from: tenant.newsletterSender, to: Array(readers[start..<min(start + size, readers.count)]),
                    subject: "demo.example weekly, issue \(issue)",
                    body: "This week at demo.example: faster receipts, a new status page, and fewer bounces.\r\n",
                    id: "n\(issue).\(start)")
        }
    }

    /// A recipient: now and then one on the suppression list, otherwise a made-up reader.
    static func recipient(tenant: DemoTenant, serial: Int) -> String {
        if serial % suppressedShare == 0, !tenant.suppressed.isEmpty {
            return tenant.suppressed[(serial / suppressedShare) % tenant.suppressed.count]
        }
        let person = people[serial % people.count]
        return "\(person).\(serial % 97)@\(domains[serial % domains.count])"
    }

    static func compose(from sender: String, to recipients: [String], subject: String, body: String, id: String) -> SMTPClientMessage {
        let run = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36)
        var text = "From: demo.example <\(sender)>\r\n"
        text += "To: \(recipients.count == 1 ? "<\(recipients[0])>" : "undisclosed-recipients:;")\r\n"
        text += "Subject: \(subject)\r\n"
        text += "Date: \(date())\r\n"
        text += "Message-ID: <\(run).\(id)@demo.example>\r\n"
        text += "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        text += body
        return SMTPClientMessage(reversePath: sender, recipients: recipients, content: Array(text.utf8))
    }

    /// The current time in RFC 5322 §3.3 form, in UTC.
    static func date() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: Date())
    }
}
