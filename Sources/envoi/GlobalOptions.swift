import ArgumentParser
import EnvoiCore
import EnvoiStore
import Foundation

/// Options every command takes: where the data and configuration are, and key overrides.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory (also ENVOI_DATA_DIR).")
    var dataDirectory: String?

    @Option(name: .customLong("config"), help: "Configuration file (also ENVOI_CONFIG; default <data-dir>/envoi.toml when present).")
    var configFile: String?

    @Option(name: .customLong("set"), help: "Override a configuration key: --set section.key=value (repeatable).")
    var overrides: [String] = []

    /// The effective configuration: flag > environment > file > default. `keys` are the
    /// command's own flags that set a key (`init --database`), as `--set` would.
    func resolve(keys: [(ConfigurationKey, String?)] = []) throws -> EnvoiConfiguration.Resolved {
        let environment = ProcessInfo.processInfo.environment
        var flags: [String: String] = [:]
        for item in overrides {
            guard let equals = item.firstIndex(of: "="), equals != item.startIndex else {
                throw ConfigurationErrorMessage("--set '\(item)': expected section.key=value")
            }
            flags[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        if let dataDirectory { flags[ConfigurationKey.dataDirectory.path] = dataDirectory }
        for case let (key, value?) in keys { flags[key.path] = value }
        // The file is found before it is read: an explicit path, or the data directory's envoi.toml.
        let explicit = configFile ?? environment["ENVOI_CONFIG"]
        let directory = flags[ConfigurationKey.dataDirectory.path] ?? environment[ConfigurationKey.dataDirectory.environmentName]
            ?? EnvoiConfiguration.defaultDataDirectory(environment: environment)
        let path = explicit ?? directory + "/envoi.toml"
        var file: (ConfigurationFile, path: String)?
        if explicit != nil || FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationErrorMessage("cannot read configuration file \(path)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationErrorMessage("configuration file \(path) is not UTF-8 text")
            }
            file = (try ConfigurationFile(parsing: text, name: path), path)
        }
        return try EnvoiConfiguration.resolve(file: file, environment: environment, flags: flags)
    }

    /// The data directory of the effective configuration.
    func dataDirectoryPath() throws -> DataDirectory {
        DataDirectory(path: try resolve().configuration.dataDirectory)
    }

    /// Opens the control plane of an initialised data directory.
    func openStore() throws -> ControlPlaneStore {
        try ControlPlaneStore(directory: try resolve().configuration.sqliteDataDirectory())
    }
}

extension EnvoiConfiguration {
    /// The initialised data directory whose SQLite database the command runs on.
    ///
    /// A configured PostgreSQL `database` is refused here, not ignored: only `init`, `serve`,
    /// `console`, `apikey` and `limits` run on PostgreSQL so far, and ignoring the key would run a command on the local
    /// SQLite database while its operator believes it changes the cluster's.
    func sqliteDataDirectory() throws -> DataDirectory {
        if let database {
            throw ConfigurationErrorMessage("database = \(database): only init, serve, console, apikey and limits run on PostgreSQL so far (manage the "
                                            + "rest through the HTTPS API); this command uses the data directory's SQLite database, "
                                            + "so unset `database` (ENVOI_DATABASE) to run it")
        }
        let directory = DataDirectory(path: dataDirectory)
        guard directory.isPrepared, FileManager.default.fileExists(atPath: directory.databasePath) else {
            throw StoreError.notInitialised(directory.path)
        }
        return directory
    }

    /// The data directory of a node that serves: with the SQLite database, an initialised one;
    /// on a shared PostgreSQL `database`, one that holds the master key (the same on every
    /// node) and the certificate, which `envoi init --database` made.
    func nodeDataDirectory() throws -> DataDirectory {
        guard database != nil else { return try sqliteDataDirectory() }
        let directory = DataDirectory(path: dataDirectory)
        guard directory.isPrepared else { throw StoreError.notInitialised(directory.path) }
        return directory
    }
}

/// A configuration problem found by the CLI itself (reading the file, a malformed --set).
struct ConfigurationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
