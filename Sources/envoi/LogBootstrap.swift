import EnvoiCore
import Logging

/// The process-wide logging set-up of `serve`: swift-log's stream handler on standard error at
/// the configured `log.level`, for Envoi's own logger and for every library logger (Hummingbird,
/// service-lifecycle) made after it.
enum LogBootstrap {
    /// Installs the handler; swift-log allows this once per process, so only `serve` calls it.
    static func install(level: LogLevel) {
        let level = Logger.Level(level)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

extension Logger.Level {
    /// The swift-log level of the same name.
    init(_ level: LogLevel) {
        self = switch level {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
