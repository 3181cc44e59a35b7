import Foundation

/// The `database` key's value: a `postgres://user:password@host:port/database` URL naming the
/// PostgreSQL server several nodes share. Parsed here, without PostgresNIO, so that the key is
/// checked (and its password masked) wherever configuration is read; postgres-nio has no URL
/// parser of its own (`PostgresClient.Configuration` takes the parts).
public struct DatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// 5432, PostgreSQL's port, when the URL names none.
    public var port: Int
    /// The role Envoi logs in as.
    public var username: String
    /// Nil: none (the server must trust the role without one).
    public var password: String?
    /// Nil: the server's default (the user's name).
    public var database: String?

    /// The parts of `text`, or the problem with it (which never quotes the password).
    public static func parse(_ text: String) -> Result<DatabaseURL, ConfigurationKeyProblem> {
        guard let url = URLComponents(string: text) else {
            return .failure(.init("expected postgres://user:password@host:port/database"))
        }
        guard url.scheme == "postgres" || url.scheme == "postgresql" else {
            return .failure(.init("expected a postgres:// or postgresql:// URL"))
        }
        guard let host = url.host, !host.isEmpty else { return .failure(.init("the URL names no host")) }
        guard let username = url.user, !username.isEmpty else { return .failure(.init("the URL names no user")) }
        // URLComponents accepts any digits; TCP does not.
        if let port = url.port, !(1...65_535).contains(port) { return .failure(.init("the port must be from 1 to 65535")) }
        guard url.queryItems?.isEmpty ?? true, url.fragment == nil else {
            return .failure(.init("URL parameters (?…) are not supported"))
        }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !path.contains("/") else { return .failure(.init("expected one database name after the host")) }
        return .success(DatabaseURL(host: host, port: url.port ?? 5432, username: username, password: url.password,
                                    database: path.isEmpty ? nil : path))
    }

    /// The URL with its password as `***`: what may be printed or logged.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database ?? "")"
    }

    /// `text` with the password of its user information replaced by `***`, so that a URL can be
    /// shown (`config show`, error messages, logs) without its secret; works on malformed text too.
    public static func masking(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let authorityEnd = text[scheme.upperBound...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? text.endIndex
        guard let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}

/// Why a configuration value is refused, in words that never quote a secret.
public struct ConfigurationKeyProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problem, in words.
    public let description: String
    /// A problem described by `description`.
    public init(_ description: String) { self.description = description }
}
