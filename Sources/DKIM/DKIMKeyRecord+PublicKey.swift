import Foundation

/// Reading `p=`: base64, then a key of the declared type, telling a key cut short from a wrong one.
extension DKIMKeyRecord {
    /// The outcome of reading `p=`.
    enum KeyReading {
        case key(DKIMPublicKey)
        case problem(DKIMKeyRecordProblem)
    }

    private static let base64Alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// Decodes the `p=` text (whitespace already removed) and checks it is a key of `declared`.
    static func readKey(_ base64: String, declared: DKIMKeyType) -> KeyReading {
        let padding = base64.reversed().prefix { $0 == "=" }.count
        guard padding <= 2, base64.dropLast(padding).allSatisfy(base64Alphabet.contains) else {
            return .problem(.publicKeyNotBase64)
        }
        var text = base64
        let partialQuantum = base64.count % 4 != 0
        if partialQuantum {
            // The base64 alphabet only, but a partial last quantum: the text was cut short.
            guard padding == 0 else { return .problem(.publicKeyNotBase64) }
            text = String(base64.prefix(base64.count - base64.count % 4))
        }
        guard let data = Data(base64Encoded: text) else { return .problem(.publicKeyNotBase64) }
        let bytes = Array(data)
        switch declared {
        case .rsa: return readRSA(bytes, cutShort: partialQuantum)
        case .ed25519: return readEd25519(bytes, cutShort: partialQuantum)
        }
    }

    private static func readRSA(_ bytes: [UInt8], cutShort: Bool) -> KeyReading {
        if let needed = DERReader.declaredSequenceLength(bytes), needed > bytes.count {
            return .problem(.publicKeyTruncated(.rsa, expectedOctets: needed, actualOctets: bytes.count))
        }
        if cutShort { return .problem(.invalidPublicKey(.rsa)) }
        if DKIMPublicKey(keyType: .ed25519, bytes: bytes) != nil {
            return .problem(.keyTypeMismatch(declared: .rsa, found: .ed25519))
        }
        if let bits = DERReader.rsaModulusBits(bytes), bits < DKIMPublicKey.minimumVerifiableRSABits {
            return .problem(.keyTooShort(bits: bits))
        }
        guard let key = DKIMPublicKey(keyType: .rsa, bytes: bytes) else { return .problem(.invalidPublicKey(.rsa)) }
        return .key(key)
    }

    private static func readEd25519(_ bytes: [UInt8], cutShort: Bool) -> KeyReading {
        if DERReader.rsaModulusBits(bytes) != nil { return .problem(.keyTypeMismatch(declared: .ed25519, found: .rsa)) }
        if bytes.count < 32 || cutShort {
            return .problem(.publicKeyTruncated(.ed25519, expectedOctets: 32, actualOctets: bytes.count))
        }
        guard let key = DKIMPublicKey(keyType: .ed25519, bytes: bytes) else {
            return .problem(.invalidPublicKey(.ed25519))
        }
        return .key(key)
    }
}

/// Just enough DER (ITU-T X.690 §8.1) to tell a truncated key from a wrong one and to measure
/// an RSA modulus before the crypto library is asked, for `DKIMKeyRecord` diagnoses.
enum DERReader {
    /// One element: its tag and where its content lies.
    struct Element {
        let tag: UInt8
        let content: Range<Int>
        /// The end of the element as its header declares it (may be past the data).
        var end: Int { content.upperBound }
    }

    /// The element starting at `offset`, with a length that may run past `bytes` (for
    /// truncation checks); nil when the header itself is unreadable.
    static func element(in bytes: [UInt8], at offset: Int) -> Element? {
        guard offset + 2 <= bytes.count else { return nil }
        let tag = bytes[offset]
        let first = Int(bytes[offset + 1])
        if first < 0x80 {
            return Element(tag: tag, content: (offset + 2)..<(offset + 2 + first))
        }
        let count = first & 0x7F
        guard count >= 1, count <= 4, offset + 2 + count <= bytes.count else { return nil }
        let length = bytes[(offset + 2)..<(offset + 2 + count)].reduce(0) { $0 << 8 | Int($1) }
        let start = offset + 2 + count
        return Element(tag: tag, content: start..<(start + length))
    }

    /// The octets a DER SEQUENCE at the start of `bytes` declares it needs, or nil when
    /// `bytes` does not start with a SEQUENCE header.
    static func declaredSequenceLength(_ bytes: [UInt8]) -> Int? {
        guard let element = element(in: bytes, at: 0), element.tag == 0x30 else { return nil }
        return element.end
    }

    /// The modulus size in bits of an RSA public key given as SubjectPublicKeyInfo (RFC 5280
    /// §4.1.2.7) or PKCS#1 RSAPublicKey (RFC 8017 §A.1.1); nil when the structure is not one.
    static func rsaModulusBits(_ bytes: [UInt8]) -> Int? {
        guard let outer = element(in: bytes, at: 0), outer.tag == 0x30, outer.end <= bytes.count,
              let first = element(in: bytes, at: outer.content.lowerBound) else { return nil }
        var sequence = outer
        if first.tag == 0x30 {
            // SPKI: AlgorithmIdentifier, then a BIT STRING wrapping the RSAPublicKey.
            guard let bitString = element(in: bytes, at: first.end), bitString.tag == 0x03,
                  bitString.end <= bytes.count,
                  let inner = element(in: bytes, at: bitString.content.lowerBound + 1), inner.tag == 0x30 else {
                return nil
            }
            sequence = inner
        }
        guard let modulus = element(in: bytes, at: sequence.content.lowerBound), modulus.tag == 0x02,
              modulus.end <= bytes.count else { return nil }
        let digits = bytes[modulus.content].drop { $0 == 0 }
        guard let top = digits.first else { return 0 }
        return (digits.count - 1) * 8 + (8 - top.leadingZeroBitCount)
    }
}
