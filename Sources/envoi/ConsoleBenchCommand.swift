import ArgumentParser
import Console
import DkimService
import DNSResolver
import EnvoiCore
import EnvoiStore
import Foundation

/// `envoi console bench [--seed N]` (hidden): measures, in this binary and without a terminal,
/// what the Suppressions pane costs on a large list: opening it (first page read + render),
/// paging, applying a prefix filter and then a reason filter, each the way a key press runs it (reducer → store
/// read → model → frame), plus the process's peak RSS. Benchmarks/console-suppressions.sh runs it.
struct ConsoleBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure the Suppressions pane on this data directory.",
                                                    shouldDisplay: false)

    @OptionGroup var global: GlobalOptions

    @Option(help: "First add this many suppressions (one transaction).") var seed: Int = 0
    @Option(help: "Repetitions of each measurement.") var repeats: Int = 5
    @Option(help: "The prefix filter typed.") var prefix: String = "user05"

    func run() async throws {
        let configuration = try global.resolve().configuration
        let store = try global.openStore()
        if seed > 0 {
            let started = ContinuousClock.now
            let added = try store.seedSuppressions(count: seed)
            print("seeded \(added) suppressions in \(Self.milliseconds(ContinuousClock.now - started)) ms")
        }
        let source = StoreConsoleDataSource(
            store: store, controlPlane: StoreControlPlane(store: store, dkimKeys: DkimKeyGenerator(publishZone: configuration.dkimPublishZone)),
            dkimChecks: store, dkimChecker: DkimChecker(store: store, resolver: DNSResolver(configuration: configuration)), limits: { .default })
        var results: [(String, [Double])] = [("open", []), ("page", []), ("filter", []), ("reason", [])]
        for _ in 0..<repeats {
            var model = ConsoleModel()
            results[0].1.append(try await Self.timed(&model, .character("5"), source))
            results[1].1.append(try await Self.timed(&model, .pageDown, source))
            _ = ConsoleReducer.reduce(&model, .character("/"))
            var keys = Array(prefix).map { Key.character($0) }
            let last = keys.removeLast()
            for key in keys { _ = ConsoleReducer.reduce(&model, key) }
            results[2].1.append(try await Self.timed(&model, last, source))
            guard model.suppressions.items.first?.emailAddress.hasPrefix(prefix) ?? true else {
                throw ConfigurationErrorMessage("the filtered page does not start with \(prefix)")
            }
            // R twice: UNKNOWN (none), then HARDBOUNCE, within the prefix.
            _ = ConsoleReducer.reduce(&model, .enter)
            _ = try await Self.timed(&model, .character("R"), source)
            results[3].1.append(try await Self.timed(&model, .character("R"), source))
        }
        for (name, values) in results where !values.isEmpty {
            let sorted = values.sorted()
            print("\(name): median \(String(format: "%.2f", sorted[sorted.count / 2])) ms, max \(String(format: "%.2f", sorted.last ?? 0)) ms (\(sorted.count) runs; target < 100 ms: \(sorted.last! < 100 ? "met" : "MISSED"))")
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let rss = usage.ru_maxrss / 1_024
        print("suppressions: \(try store.suppressionCount()); peak RSS \(rss) MiB (target < 150 MiB: \(rss < 150 ? "met" : "MISSED"))")
    }

    /// Milliseconds from the key press to the rendered frame: reducer, store read, model, render.
    static func timed(_ model: inout ConsoleModel, _ key: Key, _ source: StoreConsoleDataSource) async throws -> Double {
        let started = ContinuousClock.now
        for effect in ConsoleReducer.reduce(&model, key) {
            if case .loadSuppressions(let request) = effect {
                model.receive(.suppressions(try await source.suppressions(request, limit: 50)))
            }
        }
        _ = Renderer.render(model, width: 120, height: 40)
        return milliseconds(ContinuousClock.now - started)
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
    }
}
