import CResolv
import Glibc

/// Reads a DNS response (RFC 1035 §4.1) with glibc's `ns_initparse`/`ns_parserr`, which check
/// the header, the section counts and every record's bounds and expand compressed owner names;
/// only the RDATA of the types Envoi reads is decoded here.
public enum DNSMessageParser {
    /// The response code, AA bit and answer section of `message`.
    public static func parse(_ message: [UInt8]) throws(DNSResolverError) -> DNSResponse {
        let parsed: DNSResponse? = message.withUnsafeBufferPointer { buffer -> DNSResponse? in
            guard let base = buffer.baseAddress, buffer.count >= 12 else { return nil }
            var handle = ns_msg()
            guard ns_initparse(base, Int32(buffer.count), &handle) == 0 else { return nil }
            var answers: [DNSRecord] = []
            for index in 0..<envoi_ns_count(&handle, ns_s_an) {
                var record = ns_rr()
                guard ns_parserr(&handle, ns_s_an, index, &record) == 0,
                      let answer = decode(&record, message: base, end: base + buffer.count) else { return nil }
                answers.append(answer)
            }
            return DNSResponse(code: DNSResponseCode(rawValue: Int(envoi_ns_rcode(&handle))),
                               isAuthoritative: envoi_ns_authoritative(&handle) != 0, answers: answers)
        }
        guard let parsed else { throw .malformedResponse }
        return parsed
    }

    private static func decode(_ record: inout ns_rr, message: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) -> DNSRecord? {
        let owner = withUnsafeBytes(of: &record.name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let type = DNSRecordType(rawValue: record.type)
        let length = Int(record.rdlength)
        guard let rdata = record.rdata, rdata + length <= end else { return nil }
        let bytes = Array(UnsafeBufferPointer(start: rdata, count: length))
        let data: DNSRecordData
        switch type {
        case .a:
            guard length == 4 else { return nil }
            data = .a(bytes.map(String.init).joined(separator: "."))
        case .aaaa:
            guard length == 16, let text = ipv6Text(bytes) else { return nil }
            data = .aaaa(text)
        case .cname:
            guard let name = expand(rdata, message: message, end: end) else { return nil }
            data = .cname(name)
        case .mx:
            guard length >= 3, let exchange = expand(rdata + 2, message: message, end: end) else { return nil }
            data = .mx(preference: UInt16(bytes[0]) << 8 | UInt16(bytes[1]), exchange: exchange)
        case .txt:
            guard let strings = characterStrings(bytes) else { return nil }
            data = .txt(strings)
        default:
            data = .other(bytes)
        }
        return DNSRecord(name: DNSName.normalized(owner), type: type, ttl: record.ttl, data: data)
    }

    /// The `<character-string>`s of TXT RDATA: each a length octet and that many octets
    /// (RFC 1035 §3.3, §3.3.14). Nil when a length runs past the RDATA.
    static func characterStrings(_ rdata: [UInt8]) -> [String]? {
        var strings: [String] = []
        var index = 0
        while index < rdata.count {
            let length = Int(rdata[index])
            guard index + 1 + length <= rdata.count else { return nil }
            strings.append(String(decoding: rdata[(index + 1)..<(index + 1 + length)], as: UTF8.self))
            index += 1 + length
        }
        return strings
    }

    private static func expand(_ source: UnsafePointer<UInt8>, message: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>) -> String? {
        var name = [CChar](repeating: 0, count: Int(NS_MAXDNAME) + 1)
        guard envoi_dn_expand(message, end, source, &name, Int32(name.count)) >= 0 else { return nil }
        return DNSName.normalized(String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    private static func ipv6Text(_ bytes: [UInt8]) -> String? {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { raw in inet_ntop(AF_INET6, raw.baseAddress, &text, socklen_t(text.count)) }
        guard written != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
