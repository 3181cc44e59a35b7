#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A value that only one thread touches at a time: `Synchronization.Mutex`'s `withLock`, over a
/// pthread mutex.
///
/// Why not `Mutex`: on Linux it hands a contended lock over inside the kernel (`FUTEX_LOCK_PI`,
/// from the standard library's uninstrumented `_lockSlow`), so ThreadSanitizer never sees that
/// acquire and reports the accesses made under the lock as data races (seen in `QueueWriter`'s
/// commit under `swift test --sanitize=thread`). ThreadSanitizer intercepts `pthread_mutex_lock`,
/// so with this lock a report is a real race. Uncontended, both cost one atomic operation.
public final class Locked<Value>: @unchecked Sendable {
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline var value: Value

    public init(_ value: Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed: \(status)")
        self.value = value
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with the value, holding the lock.
    @inlinable
    public func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
