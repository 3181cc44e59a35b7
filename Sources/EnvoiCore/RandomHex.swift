/// Random hex text for identifiers made per request (request ids, MIME boundaries, Message-IDs).
///
/// Straight from the system generator (`getrandom(2)`), eight bytes per call: Foundation's
/// `UUID()` on Linux opens, reads and closes `/dev/urandom` every time, which cost more than
/// anything else in the trivial HTTPS route.
public enum RandomHex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 7)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        bytes.removeLast(bytes.count - count)
        return bytes
    }

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
