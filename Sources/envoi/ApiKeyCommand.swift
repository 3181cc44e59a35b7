import ArgumentParser
import EnvoiCore
import EnvoiStore
import Foundation

extension ApiKey: Renderable {
    static let headers = ["ID", "FINGERPRINT", "USER", "STATE", "CREATED"]
    var cells: [String] { [id.rawValue, fingerprint, userId.rawValue, lifecycleState.rawValue, Output.timestamp(timeCreated)] }
}

/// `envoi apikey add|list|delete`: the public keys the HTTPS API verifies request signatures with.
/// They run on the shared PostgreSQL database too: a cluster's first API key is registered here,
/// and everything else is then managed through the HTTPS API.
struct ApiKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apikey", abstract: "API signing keys of users (RSA public keys).",
                                                    subcommands: [Add.self, List.self, Delete.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a user's RSA public key (PEM); prints its fingerprint.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("user"), help: "User id.") var user: String
        @Option(name: .customLong("public-key"), help: "PEM file holding the public key.") var file: String
        func run() async throws {
            let user = try parseID(user, .user, field: "user")
            guard let data = FileManager.default.contents(atPath: file), let pem = String(data: data, encoding: .utf8) else {
                throw ControlPlaneError.invalid(field: "public-key", "cannot read \(file)")
            }
            let key = try await global.onStore(sqlite: { try $0.addApiKey(user: user, publicKeyPEM: pem) },
                                               postgres: { try await $0.addApiKey(user: user, publicKeyPEM: pem) })
            try Output.one(key, as: output.format)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("user"), help: "Only this user's keys.") var user: String?
        func run() async throws {
            let user = try user.map { try parseID($0, .user, field: "user") }
            let keys = try await global.onStore(sqlite: { try $0.apiKeys(user: user) }, postgres: { try await $0.apiKeys(user: user) })
            try Output.list(keys, as: output.format)
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an API key.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "API key id.") var id: String
        func run() async throws {
            let id = try parseID(id, .apiKey, field: "API key id")
            try await global.onStore(sqlite: { try $0.deleteApiKey(id) }, postgres: { try await $0.deleteApiKey(id) })
            print("Deleted API key \(id)")
        }
    }
}
