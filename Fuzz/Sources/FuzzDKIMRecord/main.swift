import CFuzzDriver
import Foundation
import DKIM

/// libFuzzer entry: a DKIM key record as published in DNS TXT (RFC 6376 §3.6.1), read as one
/// text and as the character-strings DNS would split it into.
func fuzzDKIMRecord(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    let whole = DKIMKeyRecord.parse(text)
    let split = DKIMKeyRecord.parse(characterStrings: TXTRecordText.characterStrings(text))
    if case .invalid(let problem) = whole { _ = problem.description }
    _ = split
    return 0
}

// SwiftPM gives every executable its own main: run libFuzzer's driver from it (-sanitize=fuzzer
// links the driver; its flags, -max_total_time and so on, come from the command line).
var arguments = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentValues) { data, count in fuzzDKIMRecord(data, count) })
