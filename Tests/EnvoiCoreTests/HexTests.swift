import EnvoiCore
import Testing

@Suite struct HexTests {
    @Test func bytesAreWrittenAsLowerCaseHexPairs() {
        #expect([UInt8]().hexEncoded() == "")
        #expect([UInt8]([0x00, 0x0f, 0xa0, 0xff]).hexEncoded() == "000fa0ff")
        #expect([UInt8]([0xde, 0xad, 0xbe, 0xef]).hexEncoded(separator: ":") == "de:ad:be:ef")
    }
}

/// Random identifiers come from a buffer refilled from `/dev/urandom`: every draw gets bytes of
/// its own, also across refills, and a draw larger than the buffer works.
@Suite struct RandomHexTests {
    @Test func drawsNeverRepeatAcrossRefills() {
        // 2,000 draws of 16 bytes span about eight refills of the 4 KiB buffer.
        let draws = (0..<2_000).map { _ in RandomHex.bytes(16) }
        #expect(Set(draws).count == draws.count)
        #expect(draws.allSatisfy { $0.count == 16 })
        // Odd sizes end draws mid-buffer and straddle the refill point.
        let odd = (0..<700).map { _ in RandomHex.bytes(13) }
        #expect(Set(odd).count == odd.count)
    }

    @Test func aDrawLargerThanTheBufferIsServedWhole() {
        let big = RandomHex.bytes(10_000)
        #expect(big.count == 10_000)
        // 10,000 bytes from a real generator hold nearly every byte value.
        #expect(Set(big).count > 200)
    }

    @Test func textIsLowerCaseHexWithTheDashesAsked() {
        let text = RandomHex.string(bytes: 16)
        #expect(text.count == 32 && text.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(RandomHex.encode([0xde, 0xad, 0xbe, 0xef], dashesBefore: [2]) == "dead-beef")
    }
}
