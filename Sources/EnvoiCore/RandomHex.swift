#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random hex text for identifiers made per request (request ids, MIME boundaries, Message-IDs).
///
/// Straight from the kernel's generator: Foundation's `UUID()` on Linux opens, reads and closes
/// `/dev/urandom` every time, which cost more than anything else in the trivial HTTPS route.
public enum RandomHex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `count` random bytes from the kernel's generator, handed out from a buffer that one read
    /// of `/dev/urandom` (kept open) refills every 4 KiB: about 170 submissions' identifiers per
    /// system call. (The standard library's generator makes one `getrandom(2)` call per eight
    /// bytes.) Each byte is handed out once.
    public static func bytes(_ count: Int) -> [UInt8] {
        guard count <= poolSize else { return [UInt8](unsafeUninitializedCapacity: count) { fill($0); $1 = count } }
        return pool.withLock { pool in
            if pool.used + count > poolSize {
                pool.bytes.withUnsafeMutableBufferPointer { fill($0) }
                pool.used = 0
            }
            defer { pool.used += count }
            return Array(pool.bytes[pool.used..<pool.used + count])
        }
    }

    private static let poolSize = 4096
    private struct Pool {
        var bytes = [UInt8](repeating: 0, count: poolSize)
        /// Bytes handed out since the last refill (all of them at first, so the first call fills).
        var used = poolSize
    }
    private static let pool = Locked(Pool())

    /// Fills `buffer` from `/dev/urandom`.
    private static func fill(_ buffer: UnsafeMutableBufferPointer<UInt8>) {
        var filled = 0
        while filled < buffer.count {
            let got = read(urandom, buffer.baseAddress! + filled, buffer.count - filled)
            if got > 0 { filled += got } else if got == 0 || errno != EINTR { fatalError("reading /dev/urandom failed: errno \(errno)") }
        }
    }

    private static let urandom: Int32 = {
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        precondition(descriptor >= 0, "cannot open /dev/urandom: errno \(errno)")
        return descriptor
    }()

    /// `count` random bytes as `2 * count` lower-case hex digits.
    public static func string(bytes count: Int) -> String {
        encode(bytes(count))
    }

    /// `bytes` as lower-case hex, with `-` before the bytes at the offsets in `dashesBefore`.
    public static func encode(_ bytes: [UInt8], dashesBefore: [Int] = []) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2 + dashesBefore.count)
        for offset in bytes.indices {
            if dashesBefore.contains(offset) { text.append(UInt8(ascii: "-")) }
            text.append(digits[Int(bytes[offset] >> 4)])
            text.append(digits[Int(bytes[offset] & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
