import ArgumentParser
import EnvoiCore
import EnvoiPostgres
import EnvoiSecrets
import EnvoiStore
import Foundation

/// `envoi`: the command-line interface of the control plane, shaped like the cloud CLI.
@main
struct Envoi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "envoi",
        abstract: "Envoi: a self-hosted email delivery service.",
        subcommands: [
            InitCommand.self, ServeCommand.self, ConsoleCommand.self, DemoCommand.self, StatsCommand.self, ConfigCommand.self,
            CompartmentCommand.self, UserCommand.self, GroupCommand.self, PolicyCommand.self,
            CredentialCommand.self, ApiKeyCommand.self, DomainCommand.self, SenderCommand.self, SuppressionCommand.self,
            LimitsCommand.self, MailCommand.self, EventsCommand.self, DkimCommand.self, DNSCommand.self, LoadgenCommand.self,
        ])

    /// Runs the command and turns every failure into one line on standard error and an exit
    /// status: 1 refused (invalid input, conflict, limit), 2 usage, 3 storage, 4 not found.
    static func main() async {
        // Everything Envoi writes in its data directory is private to its user (BEHAVIOUR.md §7).
        umask(0o077)
        do {
            var command = try parseAsRoot(hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
            // Commands that wait on I/O (DNS lookups) are asynchronous; the others run as they are.
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as ControlPlaneError {
            fail(error.message, status: error.code == .notFound ? 4 : 1)
        } catch let error as StoreError {
            fail(error.message, status: 3)
        } catch let error as PostgresStoreError {
            // The PostgreSQL store's failures (unreachable, refused) are storage failures too.
            fail(error.message, status: 3)
        } catch let error as SecretBoxError {
            // A secret at rest that does not open is a storage failure too (wrong master key).
            fail(error.message, status: 3)
        } catch let error as ConfigurationError {
            fail("configuration: \(error.message)", status: 1)
        } catch let error as ConfigurationErrorMessage {
            fail("configuration: \(error.description)", status: 1)
        } catch {
            let status = exitCode(for: error)
            if status == .success { exit(withError: error) }
            // ArgumentParser's message, first line only (the usage follows with --help).
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid usage"
            fail("\(message) (see envoi --help)", status: 2)
        }
    }

    /// `envoi --data-dir D init` reads as `envoi init --data-dir D`: global options written before
    /// the subcommand (as the cloud CLI allows) are moved after it, where ArgumentParser reads them.
    static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
        let withValue: Set<String> = ["--data-dir", "--config", "--set"]
        var leading: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard withValue.contains(name) else { break }
            leading.append(argument)
            if !argument.contains("="), index + 1 < arguments.count {
                leading.append(arguments[index + 1])
                index += 1
            }
            index += 1
        }
        return Array(arguments[index...]) + leading
    }

    static func fail(_ message: String, status: Int32) -> Never {
        FileHandle.standardError.write(Data("envoi: error: \(message)\n".utf8))
        Foundation.exit(status)
    }
}
