import Crypto
import MailMessage

/// What signer and verifier both hash (RFC 6376 §3.7): the body hash input and the header
/// data, built the same way on both sides.
enum SigningInput {
    /// RFC 6376 §5.4.2: for each name of `h=` in order, the last instance not yet used,
    /// counting from the bottom; a name with no instance left contributes nothing. The field at
    /// `excluded` (the signature being verified) is never selected.
    static func selectFields(_ header: HeaderSection, names: [String], excluding excluded: Int? = nil) -> [HeaderField] {
        var used = Set<Int>()
        var selected: [HeaderField] = []
        for name in names {
            let candidate = header.fields.indices.reversed().first { index in
                index != excluded && !used.contains(index) && header.fields[index].hasName(name)
            }
            if let candidate {
                used.insert(candidate)
                selected.append(header.fields[candidate])
            }
        }
        return selected
    }

    /// The header data that `b=` signs: each selected field canonicalised, then the
    /// DKIM-Signature field with its `b=` value empty, canonicalised, without its final CRLF.
    static func headerData(
        _ fields: [HeaderField], signatureField: HeaderField, algorithm: CanonicalizationAlgorithm
    ) -> [UInt8] {
        var data: [UInt8] = []
        for field in fields { data += algorithm.canonicalize(field) }
        data += algorithm.canonicalize(signatureField).dropLast(2)
        return data
    }

    /// The SHA-256 of the canonicalised body (`bh=`, RFC 6376 §3.7).
    static func bodyHash(_ body: some Collection<UInt8>, algorithm: CanonicalizationAlgorithm) -> [UInt8] {
        Array(SHA256.hash(data: algorithm.canonicalize(body: body)))
    }

    /// The SHA-256 of the first `length` octets of the canonicalised body (`l=`); nil when
    /// `length` is longer than the canonical body (RFC 6376 §6.1.3).
    static func bodyHash(_ body: some Collection<UInt8>, algorithm: CanonicalizationAlgorithm, length: Int) -> [UInt8]? {
        let canonical = algorithm.canonicalize(body: body)
        guard length <= canonical.count else { return nil }
        return Array(SHA256.hash(data: canonical.prefix(length)))
    }

    /// `field` with the value of its `b=` tag deleted, whitespace inside that value included,
    /// as RFC 6376 §3.5 (`b=`) and §3.7 ask of the verifier. The `bh=` tag is left alone.
    static func removingSignatureValue(_ field: HeaderField) -> HeaderField {
        let raw = field.raw
        var index = field.colonIndex + 1
        var previous: UInt8 = .semicolon
        while index < raw.count {
            let byte = raw[index]
            let atTagStart = previous == .semicolon || previous.isWhitespace || previous == .lf || previous == .cr
            if atTagStart, byte == UInt8(ascii: "b") {
                var equals = index + 1
                while equals < raw.count, isFolding(raw[equals]) { equals += 1 }
                if equals < raw.count, raw[equals] == .equals {
                    var end = equals + 1
                    while end < raw.count, isFolding(raw[end]) || isBase64(raw[end]) { end += 1 }
                    var valueEnd = end
                    while valueEnd > equals + 1, isFolding(raw[valueEnd - 1]) { valueEnd -= 1 }
                    let edited = Array(raw[..<(equals + 1)]) + Array(raw[valueEnd...])
                    return HeaderField(raw: edited, name: field.name, colonIndex: field.colonIndex)
                }
            }
            previous = byte
            index += 1
        }
        return field
    }

    private static func isFolding(_ byte: UInt8) -> Bool {
        byte.isWhitespace || byte == .cr || byte == .lf
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"), .equals:
            true
        default:
            false
        }
    }
}
