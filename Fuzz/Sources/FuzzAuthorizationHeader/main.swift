import CFuzzDriver
import Foundation
import APIWire

/// libFuzzer entry: the `Authorization: Signature …` header of a signed request (draft-cavage
/// HTTP signatures, spec/OCI-API.md §7). Oracle: a refusal's message never repeats a value of
/// the header (no echo of key material), and accepted headers respect the parameter bound.
func fuzzAuthorizationHeader(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: count), as: UTF8.self)
    do {
        let header = try AuthorizationHeader.parse(text)
        precondition(header.headers.count <= AuthorizationHeader.maximumParameters, "too many signed headers accepted")
    } catch {
        // Refusals are about structure, never about values: the same header with another
        // signature of the same length and alphabet must get the same message.
        precondition(error.status == 401 && error.code == .notAuthenticated, "not a 401 NotAuthenticated: \(error)")
        if let start = signatureValueStart(text), let end = text[start...].firstIndex(of: "\""),
           text[start..<end].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "/") }) {
            let other = text.replacingCharacters(in: start..<end, with: String(repeating: "Q", count: text[start..<end].count))
            do {
                _ = try AuthorizationHeader.parse(other)
                preconditionFailure("the signature's value decided between refusal and acceptance")
            } catch let again {
                precondition(again.message == error.message, "a refusal depends on the signature's value")
            }
        }
    }
    return 0
}

/// Where the value of a `signature="…"` parameter starts: right after the scheme or a comma.
private func signatureValueStart(_ text: String) -> String.Index? {
    var searchFrom = text.startIndex
    while let found = text.range(of: "signature=\"", range: searchFrom..<text.endIndex) {
        let before = text[..<found.lowerBound]
        if before == "Signature " || before.reversed().drop(while: { $0 == " " }).first == "," { return found.upperBound }
        searchFrom = found.upperBound
    }
    return nil
}

// SwiftPM gives every executable its own main: run libFuzzer's driver from it (-sanitize=fuzzer
// links the driver; its flags, -max_total_time and so on, come from the command line).
var arguments = CommandLine.argc
var argumentValues: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentValues) { data, count in fuzzAuthorizationHeader(data, count) })
