extension Sequence<UInt8> {
    /// The bytes as lower-case hex, two digits each, with `separator` between bytes: how digests
    /// are written into cache keys, etags, retry fingerprints and key fingerprints.
    public func hexEncoded(separator: String = "") -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (index, byte) in enumerated() {
            if index > 0 { text.append(contentsOf: separator.utf8) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
