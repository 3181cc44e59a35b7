import ArgumentParser
import EnvoiCore
import EnvoiStore
import Foundation

extension ControlPlaneStore.MailboxEntry: Renderable {
    static let headers = ["ID", "DELIVERED", "FROM", "TO", "DKIM", "SIZE", "MESSAGE ID"]
    var cells: [String] {
        ["\(id)", Output.timestamp(timeDelivered), envelopeSender, recipients.joined(separator: ","), dkimSelector ?? "unsigned",
         "\(size)", messageId ?? "-"]
    }
}

extension ControlPlaneStore.Event: Renderable {
    static let headers = ["TIME", "TYPE", "RECIPIENT", "SENDER", "STATUS", "ERROR TYPE", "DKIM", "MESSAGE ID"]
    var cells: [String] {
        [Output.timestamp(time), type, recipient ?? "-", envelopeSender ?? "-", status ?? "-", errorType ?? "-", dkimSelector ?? "-",
         messageId ?? "-"]
    }
}

/// `envoi mail list|show ID|raw ID`: the capture mailbox, what would have gone out.
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mail", abstract: "Messages kept by the capture transport.",
                                                    subcommands: [List.self, Show.self, Raw.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List kept messages, newest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "At most this many.") var limit: Int = 100
        func run() throws { try Output.list(try global.openStore().mailbox(limit: limit), as: output.format) }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a kept message's envelope and header section.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Mailbox id.") var id: Int64
        func run() throws {
            let (entry, body) = try global.openStore().mailboxMessage(id)
            Output.fields(entry.fields)
            print()
            let text = String(decoding: body, as: UTF8.self)
            let header = text.components(separatedBy: "\r\n\r\n").first ?? text
            print(header.replacingOccurrences(of: "\r\n", with: "\n"))
        }
    }

    struct Raw: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a kept message, exactly as signed, to standard output.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Mailbox id.") var id: Int64
        func run() throws {
            let (_, body) = try global.openStore().mailboxMessage(id)
            FileHandle.standardOutput.write(Data(body))
        }
    }
}

/// `envoi events list`: the delivery event log (14 days).
struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "events", abstract: "The delivery event log.", subcommands: [List.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List events, newest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("message-id"), help: "A Message-ID (without <>) or a queue id.") var messageId: String?
        @Option(help: "A recipient address.") var recipient: String?
        @Option(help: "accepted, suppressed, relayed, deferred, bounced, complaint or rejected.") var type: String?
        @Option(help: "Only events at or after this time (RFC 3339, e.g. 2026-11-29T00:00:00Z).") var since: String?
        @Option(help: "At most this many (1-10000).") var limit: Int = 100
        func run() throws {
            let sinceDate = try since.map { text -> Date in
                guard let date = try? Date(text, strategy: .iso8601) else {
                    throw ControlPlaneError.invalid(field: "since", "'\(text)' is not an RFC 3339 time such as 2026-11-29T00:00:00Z")
                }
                return date
            }
            let events = try global.openStore().events(messageId: messageId, recipient: recipient, type: type, since: sinceDate, limit: limit)
            try Output.list(events, as: output.format)
        }
    }
}
