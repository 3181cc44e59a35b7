@testable import EnvoiCore
import Testing

/// `BatchedLookup`: questions that arrive while a lookup runs go together into the next one, and
/// every question gets its own key's answer.
@Suite struct BatchedLookupTests {
    /// Records each batch; the first lookup waits until `held` more questions are pending.
    final class Recorder: Sendable {
        let batches = Locked<[[Int]]>([])
        let release: AsyncStream<Void>
        let releaseContinuation: AsyncStream<Void>.Continuation

        init() { (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self) }

        func lookup(_ keys: [Int]) async throws -> Set<Int> {
            let first = batches.withLock { batches in
                batches.append(keys)
                return batches.count == 1
            }
            if first { for await _ in release { break } }
            if keys.contains(-1) { throw Failure() }
            return Set(keys.filter { $0 % 2 == 0 })
        }
    }

    struct Failure: Error {}

    /// Waits (bounded) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(10)) }
        #expect(condition())
    }

    @Test func questionsArrivingDuringALookupShareTheNextOne() async throws {
        let recorder = Recorder()
        let lookup = BatchedLookup<Int> { try await recorder.lookup($0) }
        try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            group.addTask { (0, try await lookup.contains(0)) }
            try await Self.eventually { recorder.batches.withLock { $0.count } == 1 }
            for key in 1...9 { group.addTask { (key, try await lookup.contains(key)) } }
            group.addTask { (4, try await lookup.contains(4)) }  // a key asked twice is looked up once
            // All ten wait behind the first lookup; then one lookup answers them.
            try await Self.eventually { lookup.waiting == 10 }
            recorder.releaseContinuation.yield()
            var answers: [(Int, Bool)] = []
            for try await answer in group { answers.append(answer) }
            #expect(answers.count == 11)
            for (key, suppressed) in answers { #expect(suppressed == (key % 2 == 0), "key \(key)") }
        }
        let batches = recorder.batches.withLock { $0 }
        #expect(batches.count == 2)
        #expect(batches.first == [0])
        #expect(batches.last?.sorted() == Array(1...9))
    }

    @Test func aFailedLookupFailsItsBatchAndTheNextOneRunsAgain() async throws {
        let recorder = Recorder()
        recorder.releaseContinuation.yield()
        let lookup = BatchedLookup<Int> { try await recorder.lookup($0) }
        await #expect(throws: Failure.self) { try await lookup.contains(-1) }
        #expect(try await lookup.contains(2))
        #expect(try await !lookup.contains(3))
    }

    @Test func aBatchHoldsAtMostTheMaximum() async throws {
        let recorder = Recorder()
        let lookup = BatchedLookup<Int>(maximumBatch: 3) { try await recorder.lookup($0) }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await lookup.contains(100) }
            try await Self.eventually { recorder.batches.withLock { $0.count } == 1 }
            for key in 1...7 { group.addTask { try await lookup.contains(key) } }
            try await Self.eventually { lookup.waiting == 7 }
            recorder.releaseContinuation.yield()
            for try await _ in group {}
        }
        let sizes = recorder.batches.withLock { $0.map(\.count) }
        #expect(sizes == [1, 3, 3, 1])
    }
}
