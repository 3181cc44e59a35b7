import ArgumentParser
import EnvoiCore
import EnvoiStore

/// `envoi credential create|list|delete`.
struct CredentialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "credential", abstract: "SMTP credentials (at most 2 per user).",
                                                    subcommands: [Create.self, List.self, Delete.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a credential; its password is printed once and never again.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("user"), help: "User id.") var user: String
        @Option(help: "Description.") var description: String = ""
        func run() throws {
            let user = try parseID(user, .user, field: "user")
            let (credential, password) = try global.openStore().createCredential(user: user, description: description)
            struct Created: Encodable { var credential: SmtpCredential; var password: String }
            try Output.emit(Created(credential: credential, password: password), as: output.format) { created in
                Output.fields(created.credential.fields + [("PASSWORD", created.password)])
                print("Store the password now: Envoi keeps only a hash of it and cannot show it again.")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List credentials (never their passwords).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("user"), help: "Only this user's credentials.") var user: String?
        func run() throws {
            let user = try user.map { try parseID($0, .user, field: "user") }
            try Output.list(try global.openStore().credentials(user: user), as: output.format)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a credential.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Credential id.") var id: String
        func run() throws {
            let id = try parseID(id, .credential, field: "credential id")
            try global.openStore().deleteCredential(id)
            print("Deleted credential \(id)")
        }
    }
}

/// `envoi domain create|list|get|delete`.
struct DomainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "domain", abstract: "Email domains.",
                                                    subcommands: [Create.self, List.self, Get.self, Delete.self, DomainCheckCommand.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an email domain.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Domain name, such as example.com.") var name: String
        @Option(name: .customLong("compartment-id"), help: "Compartment (default: the root).") var compartment: String?
        @Option(help: "Description.") var description: String?
        func run() throws {
            let compartment = try parseCompartment(compartment)
            try Output.one(try global.openStore().createEmailDomain(name: name, compartment: compartment, description: description), as: output.format)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List email domains.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("compartment-id"), help: "Only this compartment's domains.") var compartment: String?
        func run() throws {
            let compartment = try parseCompartment(compartment)
            try Output.list(try global.openStore().emailDomains(compartment: compartment), as: output.format)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an email domain.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Email domain id.") var id: String
        func run() throws {
            try Output.one(try global.openStore().emailDomain(parseID(id, .emailDomain, field: "email domain id")), as: output.format)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an email domain and its DKIM keys.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Email domain id.") var id: String
        func run() throws {
            let id = try parseID(id, .emailDomain, field: "email domain id")
            try global.openStore().deleteEmailDomain(id)
            print("Deleted email domain \(id)")
        }
    }
}

/// `envoi sender create|list|get|delete`.
struct SenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sender", abstract: "Approved senders (addresses or @domain wildcards).",
                                                    subcommands: [Create.self, List.self, Get.self, Delete.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Approve a sender address.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Address, or @domain once the domain has an ACTIVE DKIM key.") var email: String
        @Option(name: .customLong("compartment-id"), help: "Compartment (default: the root).") var compartment: String?
        func run() throws {
            let compartment = try parseCompartment(compartment)
            try Output.one(try global.openStore().createSender(email: email, compartment: compartment), as: output.format)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List approved senders.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("compartment-id"), help: "Only this compartment's senders.") var compartment: String?
        func run() throws {
            let compartment = try parseCompartment(compartment)
            try Output.list(try global.openStore().senders(compartment: compartment), as: output.format)
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an approved sender.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Sender id.") var id: String
        func run() throws { try Output.one(try global.openStore().sender(parseID(id, .sender, field: "sender id")), as: output.format) }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an approved sender.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Sender id.") var id: String
        func run() throws {
            let id = try parseID(id, .sender, field: "sender id")
            try global.openStore().deleteSender(id)
            print("Deleted sender \(id)")
        }
    }
}

extension SuppressionReason: ExpressibleByArgument {}

/// `envoi suppression add|list|get|remove`.
struct SuppressionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suppression", abstract: "The suppression list (never sent to).",
                                                    subcommands: [Add.self, List.self, Get.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suppress an address (stored lower-cased).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Address to suppress.") var email: String
        @Option(help: "HARDBOUNCE, SOFTBOUNCE, COMPLAINT, MANUAL, UNSUBSCRIBE or UNKNOWN.") var reason: SuppressionReason = .manual
        func run() throws { try Output.one(try global.openStore().addSuppression(email: email, reason: reason), as: output.format) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List suppressions in address order, one page at a time.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only addresses starting with this prefix.") var prefix: String?
        @Option(help: "Only this reason.") var reason: SuppressionReason?
        @Option(help: "Page size (1-1000).") var limit: Int = 100
        @Option(help: "The page token printed by the previous page.") var page: String?
        func run() throws {
            let page = try global.openStore().suppressions(prefix: prefix, reason: reason, limit: limit, page: page)
            struct Page: Encodable { var items: [Suppression]; var nextPage: String? }
            try Output.emit(Page(items: page.items, nextPage: page.nextPage), as: output.format) { page in
                Output.table(Suppression.headers, page.items.map(\.cells))
                if let next = page.nextPage { print("More: --page \(next)") }
            }
        }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a suppression: why the address is suppressed.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Suppression id.") var id: String
        func run() throws {
            try Output.one(try global.openStore().suppression(parseID(id, .suppression, field: "suppression id")), as: output.format)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift a suppression.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Suppression id.") var id: String
        func run() throws {
            let id = try parseID(id, .suppression, field: "suppression id")
            try global.openStore().removeSuppression(id)
            print("Removed suppression \(id)")
        }
    }
}
