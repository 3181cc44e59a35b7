/// A configuration problem, naming the key or file line and what is wrong.
public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String

    init(_ message: String) { self.message = message }

    public var description: String { message }

    static func file(_ name: String, line: Int, _ problem: String) -> ConfigurationError {
        ConfigurationError("\(name):\(line): \(problem)")
    }

    static func value(_ key: String, _ value: String, from source: ConfigurationSource, _ problem: String) -> ConfigurationError {
        ConfigurationError("\(key) = '\(value)' (from \(source)): \(problem)")
    }

    static func unknownKey(_ key: String, from source: ConfigurationSource) -> ConfigurationError {
        let known = ConfigurationKey.all.map(\.path).joined(separator: ", ")
        return ConfigurationError("unknown configuration key '\(key)' (from \(source)); known keys: \(known)")
    }
}

/// Where an effective value came from; precedence is flag > environment > file > default.
public enum ConfigurationSource: Sendable, Equatable, CustomStringConvertible {
    case defaultValue
    case file(String)
    case environment(String)
    case flag

    public var description: String {
        switch self {
        case .defaultValue: "default"
        case .file(let path): "file \(path)"
        case .environment(let name): "environment \(name)"
        case .flag: "flag"
        }
    }
}
