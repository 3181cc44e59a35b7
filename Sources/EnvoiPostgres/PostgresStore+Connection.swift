import EnvoiCore
import Logging
import NIOCore
import PostgresNIO

extension PostgresClient.Configuration {
    /// The pool's configuration for `url`. Without TLS for now: the nodes and the server are
    /// expected on a private network (a TLS mode in the URL is a later step).
    public init(_ url: DatabaseURL, connectTimeout: Duration) {
        self.init(host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: .disable)
        options.connectTimeout = connectTimeout
    }
}

extension PostgresStore {
    /// Opens one connection to `url` and closes it, so that a wrong address, user, password or
    /// database is reported at once as a `PostgresStoreError` that names it: a `PostgresClient`
    /// keeps retrying such connections in the background, and its queries would wait for them.
    /// Bounded by `timeout`; the message never carries the password.
    public static func checkConnection(to url: DatabaseURL, timeout: Duration, logger: Logger) async throws {
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.username, password: url.password,
                                                             database: url.database, tls: .disable)
        configuration.options.connectTimeout = .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000
                                                             + timeout.components.attoseconds / 1_000_000_000)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch let error as PSQLError {
            throw PostgresStoreError(error, url)
        } catch {
            throw PostgresStoreError.unreachable(url, firstLine(error))
        }
        try await connection.close()
    }

    static func firstLine(_ error: any Error) -> String {
        String(describing: error).split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}

extension PostgresStoreError {
    /// The operator's reading of a failure of the server at `url`: the server's SQLSTATE for a
    /// refusal (PostgreSQL Appendix A, classes 28 and 3D) or its message, the socket's error
    /// otherwise. (`PSQLError.description` is deliberately uninformative, so it is not used; the
    /// server's messages never quote a password.)
    public init(_ error: PSQLError, _ url: DatabaseURL) {
        guard error.code == .server, let info = error.serverInfo else {
            self = .unreachable(url, error.underlying.map(PostgresStore.firstLine) ?? "\(error.code)")
            return
        }
        switch info[.sqlState] {
        case "28P01": self = .refused(url, "refused the password of user \(url.username)")
        case "28000": self = .refused(url, "refused user \(url.username) (pg_hba.conf)")
        case "3D000": self = .refused(url, "has no database \(url.database ?? url.username)")
        default: self = .refused(url, "failed: \(info[.message] ?? "no message") (SQLSTATE \(info[.sqlState] ?? "unknown"))")
        }
    }
}
