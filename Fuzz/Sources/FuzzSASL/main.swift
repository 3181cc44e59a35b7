import CFuzzDriver
import Foundation
import SMTPProtocol

/// libFuzzer entry: AUTH PLAIN and AUTH LOGIN responses (RFC 4616, RFC 4954 §4) and the base64
/// they are written in. Oracle: whatever PLAIN decodes re-encodes to the same credentials.
func fuzzSASL(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    _ = try? SASLResponseDecoder.decodeBase64(text)
    _ = try? SASLResponseDecoder.decodeLogin(text)
    if let credentials = try? SASLResponseDecoder.decodePlain(text) {
        let again = Array("\(credentials.authorizationIdentity)\0\(credentials.username)\0\(credentials.password)".utf8)
        precondition((try? SASLResponseDecoder.decodePlain(base64(again))) == credentials, "PLAIN does not round-trip")
    }
    return 0
}

/// RFC 4648 base64 with padding.
private func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    var index = 0
    while index < bytes.count {
        let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
        let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
        for position in 0..<4 {
            out.append(position <= chunk.count ? alphabet[Int((value >> (18 - 6 * UInt32(position))) & 63)] : UInt8(ascii: "="))
        }
        index += 3
    }
    return String(decoding: out, as: UTF8.self)
}

// SwiftPM gives every executable its own main: run libFuzzer's driver from it (-sanitize=fuzzer
// links the driver; its flags, -max_total_time and so on, come from the command line).
var arguments = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentValues) { data, count in fuzzSASL(data, count) })
