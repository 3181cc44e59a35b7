import CFuzzDriver
import Foundation
import SMTPProtocol

/// libFuzzer entry: the bytes a client sends after `354` (RFC 5321 §4.5.2 dot-stuffing, the
/// CRLF.CRLF end, bare CR/LF refusal). Oracle beyond "no trap": the outcome must not depend on
/// how the bytes are split into reads (all at once, byte by byte, 7-byte chunks), the accepted
/// message never exceeds the size limit, and it never holds a bare CR or LF.
func fuzzMessageData(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: count))
    let limit = 4_096
    let whole = decode(bytes, chunk: max(bytes.count, 1), limit: limit)
    precondition(decode(bytes, chunk: 1, limit: limit) == whole, "byte-by-byte decoding differs")
    precondition(decode(bytes, chunk: 7, limit: limit) == whole, "7-byte-chunk decoding differs")
    if case .complete(.accepted(let message), _)? = whole {
        precondition(message.count <= limit, "accepted message over the limit")
        for (index, byte) in message.enumerated() {
            if byte == 0x0A { precondition(index > 0 && message[index - 1] == 0x0D, "bare LF accepted") }
            if byte == 0x0D { precondition(index + 1 < message.count && message[index + 1] == 0x0A, "bare CR accepted") }
        }
    }
    return 0
}

/// Feeds `bytes` in chunks of `chunk` bytes; the first complete progress (the rest is leftover).
private func decode(_ bytes: [UInt8], chunk: Int, limit: Int) -> MessageDataDecoder.Progress? {
    var decoder = MessageDataDecoder(maximumMessageSize: limit, maximumTextLineLength: 1_000, maximumHeaderSectionSize: 1_024)
    var start = 0
    while start < bytes.count {
        let end = min(start + chunk, bytes.count)
        if case .complete(let outcome, let leftover) = decoder.decode(bytes[start..<end]) {
            return .complete(outcome, leftover: leftover + bytes[end...])
        }
        start = end
    }
    return nil
}

// SwiftPM gives every executable its own main: run libFuzzer's driver from it (-sanitize=fuzzer
// links the driver; its flags, -max_total_time and so on, come from the command line).
var arguments = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentValues) { data, count in fuzzMessageData(data, count) })
