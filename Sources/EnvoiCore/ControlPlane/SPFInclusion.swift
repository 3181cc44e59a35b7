/// Whether a domain's SPF record (RFC 7208) authorises Envoi's outbound servers through
/// `include:<spf.include>`: what the API's `EmailDomain.isSpf` and `Sender.isSpf` report.
/// Pure: the caller looks the domain's TXT records up.
public enum SPFInclusion: Hashable, Sendable {
    /// The SPF record includes the configured domain with a `+` (or no) qualifier.
    case included
    /// The domain publishes no SPF record.
    case noRecord
    /// Several SPF records: RFC 7208 §4.5 makes that a permanent error, so none counts.
    case severalRecords(Int)
    /// An SPF record without the include, or with it under a qualifier that does not authorise.
    case notIncluded(record: String)

    /// True for `included`.
    public var isSpf: Bool { self == .included }

    /// Reads the TXT records of a domain (each as its character-strings, joined without
    /// separator, RFC 7208 §3.3) and looks for `include:<include>`.
    public static func evaluate(txtRecords: [[String]], include: String) -> SPFInclusion {
        // RFC 7208 §4.5: an SPF record starts with "v=spf1" followed by a space or its end.
        let records = txtRecords.map { $0.joined() }.filter { record in
            let lower = record.lowercased()
            return lower == "v=spf1" || lower.hasPrefix("v=spf1 ")
        }
        guard let record = records.first else { return .noRecord }
        guard records.count == 1 else { return .severalRecords(records.count) }
        let wanted = normalized(include)
        for term in record.split(separator: " ").dropFirst() {
            var mechanism = Substring(term.lowercased())
            // RFC 7208 §4.6.2: "+" (pass) is the default qualifier; "-", "~" and "?" do not authorise.
            if mechanism.hasPrefix("+") { mechanism = mechanism.dropFirst() }
            guard mechanism.hasPrefix("include:") else { continue }
            if normalized(String(mechanism.dropFirst("include:".count))) == wanted { return .included }
        }
        return .notIncluded(record: record)
    }

    /// A sentence for the CLI and the console, naming the domain and what to publish.
    public func explanation(domain: String, include: String) -> String {
        switch self {
        case .included:
            "The SPF record of \(domain) includes \(include): Envoi's servers may send for it."
        case .noRecord:
            "\(domain) publishes no SPF record; publish the TXT record \"v=spf1 include:\(include) ~all\" (or add include:\(include) to it)."
        case .severalRecords(let count):
            "\(domain) publishes \(count) SPF records, which RFC 7208 §4.5 makes an error; merge them into one with include:\(include)."
        case .notIncluded(let record):
            "The SPF record of \(domain) (\(record)) does not include \(include); add include:\(include) before its all term."
        }
    }

    private static func normalized(_ name: String) -> String {
        var text = name.lowercased()
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
