import CFuzzDriver
import Foundation
import MailMessage

/// libFuzzer entry: a message's header section (RFC 5322 §2.2, folding, §3.4 address lists).
/// Oracle: a parsed header section stays within its byte limit, and reading its address fields
/// returns mailboxes or an error, never a trap.
func fuzzHeader(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let limits = ParsedMessage.Limits(maximumHeaderSectionBytes: 2_048)
    guard let message = try? ParsedMessage(parsing: bytes, limits: limits) else { return 0 }
    precondition(message.headerSectionByteCount <= 2_048 + 2, "header section over its limit")
    precondition(message.bodyStartIndex <= bytes.count, "body starts past the end")
    for name in ["From", "To", "Cc", "Bcc", "Reply-To", "Sender"] {
        _ = try? message.header.mailboxes(in: name)
        _ = try? message.header.mailboxes(in: name, allowUTF8: true)
    }
    _ = message.body.count
    return 0
}

// SwiftPM gives every executable its own main: run libFuzzer's driver from it (-sanitize=fuzzer
// links the driver; its flags, -max_total_time and so on, come from the command line).
var arguments = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentValues) { data, count in fuzzHeader(data, count) })
