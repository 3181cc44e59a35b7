/// Resolution of the effective configuration from its four sources.
extension EnvoiConfiguration {
    /// The effective value of each key and where it came from, in `ConfigurationKey.all` order.
    public struct Resolved: Sendable {
        public let configuration: EnvoiConfiguration
        public let entries: [(key: ConfigurationKey, value: String, source: ConfigurationSource)]
    }

    /// Applies flag > environment > file > default and checks every value.
    /// - Parameters:
    ///   - file: the parsed configuration file and its path, if one was read.
    ///   - environment: the process environment (`ENVOI_<SECTION>_<KEY>` variables are read).
    ///   - flags: `section.key` → value from `--set` (and `--data-dir`).
    public static func resolve(file: (ConfigurationFile, path: String)?, environment: [String: String],
                               flags: [String: String]) throws(ConfigurationError) -> Resolved {
        if let (parsed, path) = file {
            if let unknown = parsed.values.keys.sorted().first(where: { ConfigurationKey.named($0) == nil }) {
                throw .unknownKey(unknown, from: .file("\(path):\(parsed.lines[unknown]!)"))
            }
        }
        if let unknown = flags.keys.sorted().first(where: { ConfigurationKey.named($0) == nil }) {
            throw .unknownKey(unknown, from: .flag)
        }
        var values: [String: String] = [:]
        var entries: [(key: ConfigurationKey, value: String, source: ConfigurationSource)] = []
        for key in ConfigurationKey.all {
            var value = key.defaultValue
            var source = ConfigurationSource.defaultValue
            if key.path == ConfigurationKey.dataDirectory.path {
                value = defaultDataDirectory(environment: environment)
            }
            if let (parsed, path) = file, let fromFile = parsed.values[key.path] {
                value = fromFile
                source = .file("\(path):\(parsed.lines[key.path]!)")
            }
            if let fromEnvironment = environment[key.environmentName] {
                value = fromEnvironment
                source = .environment(key.environmentName)
            }
            if let fromFlag = flags[key.path] {
                value = fromFlag
                source = .flag
            }
            if let problem = key.problem(with: value) {
                // The value is quoted as it may be shown: never a password.
                throw .value(key.path, key.displayValue(value), from: source, problem)
            }
            values[key.path] = value
            entries.append((key, value, source))
        }
        return Resolved(configuration: EnvoiConfiguration(values: values), entries: entries)
    }

    /// `$XDG_DATA_HOME/envoi`, else `$HOME/.local/share/envoi`, else `./envoi-data`.
    public static func defaultDataDirectory(environment: [String: String]) -> String {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return xdg + "/envoi" }
        if let home = environment["HOME"], !home.isEmpty { return home + "/.local/share/envoi" }
        return "envoi-data"
    }
}
