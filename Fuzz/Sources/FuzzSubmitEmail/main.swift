import CFuzzDriver
import Foundation
import APIWire

/// libFuzzer entry: a submitEmail JSON body, decoded, checked and composed into RFC 5322 bytes
/// as the route does. Oracles: the direct parser of plain bodies decodes what `JSONDecoder`
/// decodes whenever it answers; a composed message has no bare CR or LF (no header injection
/// through any field) and starts with a header line.
func fuzzSubmitEmail(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let body = Array(UnsafeBufferPointer(start: data, count: count))
    precondition(SubmitEmail.decodersAgree(body), "the plain-JSON parser and JSONDecoder disagree")
    guard case .success(let message) = SubmitEmail.compose(body) else { return 0 }
    for (index, byte) in message.enumerated() {
        if byte == 0x0A { precondition(index > 0 && message[index - 1] == 0x0D, "bare LF in a composed message") }
        if byte == 0x0D { precondition(index + 1 < message.count && message[index + 1] == 0x0A, "bare CR in a composed message") }
    }
    precondition(message.first != 0x0D, "composed message starts with an empty line")
    return 0
}

// SwiftPM gives every executable its own main: run libFuzzer's driver from it (-sanitize=fuzzer
// links the driver; its flags, -max_total_time and so on, come from the command line).
var arguments = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentValues) { data, count in fuzzSubmitEmail(data, count) })
