import ArgumentParser
import EnvoiCore
import EnvoiStore

/// Parses an id argument of `type`, naming the argument in the error.
func parseID(_ text: String, _ type: ResourceType, field: String) throws -> OCID {
    try ControlPlaneRules.id(text, type, field: field)
}

/// Parses an optional `--compartment-id`.
func parseCompartment(_ text: String?) throws -> OCID? {
    try text.map { try ControlPlaneRules.compartmentID($0) }
}

/// `envoi compartment create|list|get|delete`.
struct CompartmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "compartment", abstract: "Compartments of the tenancy.",
                                                    subcommands: [Create.self, List.self, Get.self, Delete.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a compartment.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Name, unique among its siblings.") var name: String
        @Option(help: "Description.") var description: String = ""
        @Option(name: .customLong("parent-id"), help: "Parent compartment (default: the root).") var parent: String?
        func run() throws {
            let parent = try parseCompartment(parent)
            try Output.one(try global.openStore().createCompartment(name: name, description: description, parent: parent), as: output.format)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List compartments.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        func run() throws { try Output.list(try global.openStore().compartments(), as: output.format) }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a compartment.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Compartment id.") var id: String
        func run() throws {
            let id = try parseCompartment(id)!
            try Output.one(try global.openStore().compartment(id), as: output.format)
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an empty compartment.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Compartment id.") var id: String
        func run() throws {
            let id = try parseCompartment(id)!
            try global.openStore().deleteCompartment(id)
            print("Deleted compartment \(id)")
        }
    }
}

/// `envoi user create|list|get|delete`.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Users (owners of SMTP credentials and API keys).",
                                                    subcommands: [Create.self, List.self, Get.self, Delete.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Name, unique in the tenancy.") var name: String
        @Option(help: "Description.") var description: String = ""
        func run() throws { try Output.one(try global.openStore().createUser(name: name, description: description), as: output.format) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        func run() throws { try Output.list(try global.openStore().users(), as: output.format) }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a user.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "User id.") var id: String
        func run() throws { try Output.one(try global.openStore().user(parseID(id, .user, field: "user id")), as: output.format) }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a user, its credentials and group memberships.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "User id.") var id: String
        func run() throws {
            let id = try parseID(id, .user, field: "user id")
            try global.openStore().deleteUser(id)
            print("Deleted user \(id)")
        }
    }
}

/// `envoi group create|list|get|add-user|remove-user|delete`.
struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "group", abstract: "Groups of users; policies grant to groups.",
                                                    subcommands: [Create.self, List.self, Get.self, AddUser.self, RemoveUser.self, Delete.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Name, unique in the tenancy.") var name: String
        @Option(help: "Description.") var description: String = ""
        func run() throws { try Output.one(try global.openStore().createGroup(name: name, description: description), as: output.format) }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List groups.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        func run() throws { try Output.list(try global.openStore().groups(), as: output.format) }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a group and its members.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Group id.") var id: String
        func run() throws {
            let id = try parseID(id, .group, field: "group id")
            let store = try global.openStore()
            let group = try store.group(id)
            let members = try store.members(of: id)
            struct Detail: Encodable { var group: Group; var members: [OCID] }
            try Output.emit(Detail(group: group, members: members), as: output.format) { detail in
                Output.fields(detail.group.fields + [("MEMBERS", detail.members.map(\.rawValue).joined(separator: ", "))])
            }
        }
    }

    struct AddUser: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-user", abstract: "Add a user to a group.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("group-id"), help: "Group id.") var group: String
        @Option(name: .customLong("user-id"), help: "User id.") var user: String
        func run() throws {
            let group = try parseID(group, .group, field: "group-id")
            let user = try parseID(user, .user, field: "user-id")
            try global.openStore().addUser(user, toGroup: group)
            print("Added user \(user) to group \(group)")
        }
    }

    struct RemoveUser: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-user", abstract: "Remove a user from a group.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("group-id"), help: "Group id.") var group: String
        @Option(name: .customLong("user-id"), help: "User id.") var user: String
        func run() throws {
            let group = try parseID(group, .group, field: "group-id")
            let user = try parseID(user, .user, field: "user-id")
            try global.openStore().removeUser(user, fromGroup: group)
            print("Removed user \(user) from group \(group)")
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a group.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Group id.") var id: String
        func run() throws {
            let id = try parseID(id, .group, field: "group id")
            try global.openStore().deleteGroup(id)
            print("Deleted group \(id)")
        }
    }
}

/// `envoi policy create|list|get|delete`.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "policy", abstract: "Policies: who may use email where.",
                                                    subcommands: [Create.self, List.self, Get.self, Delete.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a policy.",
            discussion: "Statement form: Allow group <name> to use email-family in compartment <name> (or: in tenancy).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Name, unique in its compartment.") var name: String
        @Option(name: .customLong("statement"), help: "A policy statement (repeatable).") var statements: [String] = []
        @Option(name: .customLong("compartment-id"), help: "Compartment the policy is attached to (default: the root).") var compartment: String?
        @Option(help: "Description.") var description: String = ""
        func run() throws {
            let compartment = try parseCompartment(compartment)
            let policy = try global.openStore().createPolicy(name: name, statements: statements, compartment: compartment, description: description)
            try Output.one(policy, as: output.format)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List policies.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        func run() throws { try Output.list(try global.openStore().policies(), as: output.format) }
    }

    struct Get: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a policy.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Policy id.") var id: String
        func run() throws { try Output.one(try global.openStore().policy(parseID(id, .policy, field: "policy id")), as: output.format) }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a policy.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Policy id.") var id: String
        func run() throws {
            let id = try parseID(id, .policy, field: "policy id")
            try global.openStore().deletePolicy(id)
            print("Deleted policy \(id)")
        }
    }
}
