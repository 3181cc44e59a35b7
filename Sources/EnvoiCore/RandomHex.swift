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

    /// `count` random bytes, from one read of `/dev/urandom`, kept open (the standard library's
    /// generator makes one `getrandom(2)` call per eight bytes).
    public static func bytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var filled = 0
            while filled < count {
                let got = read(urandom, buffer.baseAddress! + filled, count - filled)
                if got > 0 { filled += got } else if got == 0 || errno != EINTR { fatalError("reading /dev/urandom failed: errno \(errno)") }
            }
            initialized = count
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
