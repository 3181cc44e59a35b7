import ArgumentParser
import EnvoiCore
import EnvoiStore
import Foundation

/// `envoi init`: creates the data directory, master key, self-signed certificate, database,
/// tenancy, root compartment and the admin user, group and policy. Running it again changes nothing.
/// With `database` set (`--database`), the database is that PostgreSQL server's and the rest
/// stays local (`InitCommand+Postgres.swift`).
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Prepare a data directory (idempotent).",
        discussion: """
            With --database postgres://user:password@host:port/database (the `database` key, also ENVOI_DATABASE) \
            the tables, tenancy and administrators are made on that PostgreSQL server, shared by several nodes; \
            the master key and certificate are still made in the local data directory. Every node needs the same \
            master key: copy <data-dir>/master.key from the first node (mode 0600) before running init on the others.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("database"),
            help: "PostgreSQL URL shared by several nodes, each with the same master key (sets the `database` key).")
    var database: String?

    /// What `init` prints, for either backend.
    struct Summary: Encodable {
        var dataDirectory, database, certificate, tenancyId, rootCompartmentId, adminUserId, adminGroupId: String
        var created: Bool
    }

    func run() async throws {
        let resolved = try global.resolve(keys: [(.database, database)])
        let directory = DataDirectory(path: resolved.configuration.dataDirectory)
        let prepared = try directory.prepare()
        let summary: Summary
        if let url = resolved.configuration.database {
            summary = try await initialisePostgres(url, configuration: resolved.configuration, directory: directory,
                                                 createdMasterKey: prepared.createdMasterKey)
        } else {
            let bootstrap = try ControlPlaneStore(directory: directory).initialise()
            summary = Summary(dataDirectory: directory.path, database: directory.databasePath, certificate: directory.certificatePath,
                              tenancyId: bootstrap.tenancy.id.rawValue, rootCompartmentId: bootstrap.tenancy.id.rawValue,
                              adminUserId: bootstrap.adminUser.id.rawValue, adminGroupId: bootstrap.adminGroup.id.rawValue,
                              created: bootstrap.created || prepared.createdMasterKey)
        }
        try Output.emit(summary, as: output.format) { summary in
            print(summary.created ? "Initialised Envoi in \(summary.dataDirectory)" : "Envoi is already initialised in \(summary.dataDirectory); nothing changed")
            Output.fields([("tenancy", summary.tenancyId), ("root compartment", summary.rootCompartmentId),
                           ("admin user", summary.adminUserId), ("admin group", summary.adminGroupId),
                           ("database", summary.database), ("certificate", summary.certificate)])
        }
    }
}

/// `envoi config show`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Show the effective configuration.",
                                                    subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print every key, its effective value and where it came from.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            struct Entry: Encodable { var key, value, source, environment, summary: String }
            let entries = try global.resolve().entries.map {
                Entry(key: $0.key.path, value: $0.key.displayValue($0.value), source: $0.source.description,
                      environment: $0.key.environmentName, summary: $0.key.summary)
            }
            try Output.emit(entries, as: output.format) { entries in
                Output.table(["KEY", "VALUE", "SOURCE"], entries.map { [$0.key, $0.value.isEmpty ? "\"\"" : $0.value, $0.source] })
            }
        }
    }
}

/// `envoi limits get|set`.
struct LimitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "limits", abstract: "Send limits of the tenancy.", subcommands: [Get.self, Set.self])

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the per-minute, per-day and message-size limits.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        func run() async throws {
            try LimitsCommand.show(try await global.onStore(sqlite: { try $0.limits() }, postgres: { try await $0.limits() }), output.format)
        }
    }

    /// On a shared database every node reads the new limits within a second, and the next
    /// commit on any node checks them.
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change limits; they apply to the next submission without a restart.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("per-minute"), help: "Recipients accepted per sliding minute.") var perMinute: Int?
        @Option(name: .customLong("per-day"), help: "Recipients accepted per rolling 24 hours.") var perDay: Int?
        @Option(name: .customLong("max-message-size"), help: "Largest message in bytes.") var maxMessageSize: Int?

        func validate() throws {
            guard perMinute != nil || perDay != nil || maxMessageSize != nil else {
                throw ValidationError("give at least one of --per-minute, --per-day, --max-message-size")
            }
        }

        func run() async throws {
            let (perMinute, perDay, maxMessageSize) = (perMinute, perDay, maxMessageSize)
            let limits = try await global.onStore(
                sqlite: { try $0.setLimits(messagesPerMinute: perMinute, messagesPerDay: perDay, maxMessageSize: maxMessageSize) },
                postgres: { try await $0.setLimits(messagesPerMinute: perMinute, messagesPerDay: perDay, maxMessageSize: maxMessageSize) })
            try LimitsCommand.show(limits, output.format)
        }
    }

    static func show(_ limits: SendLimits, _ format: OutputFormat) throws {
        try Output.emit(limits, as: format) { limits in
            Output.fields([("per minute", "\(limits.messagesPerMinute)"), ("per day", "\(limits.messagesPerDay)"),
                           ("max message size", "\(limits.maxMessageSize)")])
        }
    }
}
