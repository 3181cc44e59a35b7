import ArgumentParser
import EnvoiCore
import EnvoiStore
import Foundation

extension ApiKey: Renderable {
    static let headers = ["ID", "FINGERPRINT", "USER", "STATE", "CREATED"]
    var cells: [String] { [id.rawValue, fingerprint, userId.rawValue, lifecycleState.rawValue, Output.timestamp(timeCreated)] }
}

/// `envoi apikey add|list|delete`: the public keys the HTTPS API verifies request signatures with.
struct ApiKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apikey", abstract: "API signing keys of users (RSA public keys).",
                                                    subcommands: [Add.self, List.self, Delete.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a user's RSA public key (PEM); prints its fingerprint.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("user"), help: "User id.") var user: String
        @Option(name: .customLong("public-key"), help: "PEM file holding the public key.") var file: String
        func run() throws {
            let user = try parseID(user, .user, field: "user")
            guard let data = FileManager.default.contents(atPath: file), let pem = String(data: data, encoding: .utf8) else {
                throw ControlPlaneError.invalid(field: "public-key", "cannot read \(file)")
            }
            try Output.one(try global.openStore().addApiKey(user: user, publicKeyPEM: pem), as: output.format)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .customLong("user"), help: "Only this user's keys.") var user: String?
        func run() throws {
            let user = try user.map { try parseID($0, .user, field: "user") }
            try Output.list(try global.openStore().apiKeys(user: user), as: output.format)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an API key.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "API key id.") var id: String
        func run() throws {
            let id = try parseID(id, .apiKey, field: "API key id")
            try global.openStore().deleteApiKey(id)
            print("Deleted API key \(id)")
        }
    }
}
