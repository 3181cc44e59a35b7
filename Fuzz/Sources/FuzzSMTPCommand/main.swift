import CFuzzDriver
import Foundation
import SMTPProtocol

/// libFuzzer entry: one SMTP command line (RFC 5321 §4.1.1), parsed with and without SMTPUTF8.
/// Any input must give a command or an `SMTPProtocolError`, never a trap.
func fuzzSMTPCommand(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let line = UnsafeBufferPointer(start: data, count: count)
    for utf8 in [false, true] {
        _ = try? SMTPCommandParser.parse(line, allowsUTF8Addresses: utf8)
    }
    return 0
}

// SwiftPM gives every executable its own main: run libFuzzer's driver from it (-sanitize=fuzzer
// links the driver; its flags, -max_total_time and so on, come from the command line).
var arguments = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentValues) { data, count in fuzzSMTPCommand(data, count) })
