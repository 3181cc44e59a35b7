import EnvoiCore

/// The one place the terminal thread and the async world meet: the model behind a lock, a
/// version that changes with every change (the terminal redraws only then), and the stream of
/// effects the reducer asked for.
public final class ConsoleSession: Sendable {
    private struct State {
        var model: ConsoleModel
        var version = 0
    }

    private let state: Locked<State>
    private let continuation: AsyncStream<ConsoleEffect>.Continuation
    /// The effects, in the order the keys asked for them; finished when the console stops.
    public let effects: AsyncStream<ConsoleEffect>

    /// A session starting from `model`.
    public init(model: ConsoleModel) {
        state = Locked(State(model: model))
        (effects, continuation) = AsyncStream.makeStream(of: ConsoleEffect.self, bufferingPolicy: .unbounded)
    }

    /// Runs the reducer for `key` and queues its effects (the terminal thread calls this).
    public func handle(_ key: Key) {
        let effects = state.withLock { state in
            let effects = ConsoleReducer.reduce(&state.model, key)
            state.version += 1
            return effects
        }
        for effect in effects { continuation.yield(effect) }
    }

    /// Applies data or an outcome from the core.
    public func receive(_ update: ConsoleUpdate) {
        state.withLock { state in
            let before = state.model
            state.model.receive(update)
            // Only the Overview shows the statistics: 4 snapshots a second redraw nothing else.
            if case .statistics = update, state.model.pane != .overview { return }
            if state.model != before { state.version += 1 }
        }
    }

    /// Queues an effect that no key asked for (the first reads, periodic refreshes).
    public func request(_ effect: ConsoleEffect) {
        continuation.yield(effect)
    }

    /// The model and its version.
    public func snapshot() -> (model: ConsoleModel, version: Int) {
        state.withLock { ($0.model, $0.version) }
    }

    /// Ends the effect stream: the console service then returns.
    public func finish() {
        continuation.finish()
    }
}
