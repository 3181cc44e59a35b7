import EnvoiCore
import Testing

@Suite struct HexTests {
    @Test func bytesAreWrittenAsLowerCaseHexPairs() {
        #expect([UInt8]().hexEncoded() == "")
        #expect([UInt8]([0x00, 0x0f, 0xa0, 0xff]).hexEncoded() == "000fa0ff")
        #expect([UInt8]([0xde, 0xad, 0xbe, 0xef]).hexEncoded(separator: ":") == "de:ad:be:ef")
    }
}
