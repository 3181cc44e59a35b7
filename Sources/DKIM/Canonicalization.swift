import MailMessage

/// One canonicalisation algorithm (RFC 6376 §3.4).
public enum CanonicalizationAlgorithm: String, Hashable, Sendable {
    /// §3.4.1 (header) and §3.4.3 (body): almost no change tolerated.
    case simple
    /// §3.4.2 (header) and §3.4.4 (body): tolerates whitespace and header-case changes.
    case relaxed
}

/// The header and body algorithms of a signature, as the `c=` tag writes them.
public struct Canonicalization: Hashable, Sendable, CustomStringConvertible {
    /// The header algorithm.
    public var header: CanonicalizationAlgorithm
    /// The body algorithm.
    public var body: CanonicalizationAlgorithm

    /// The pair `header/body`.
    public init(header: CanonicalizationAlgorithm, body: CanonicalizationAlgorithm) {
        self.header = header
        self.body = body
    }

    /// relaxed/relaxed: what Envoi signs with, as most signers do, since it survives the
    /// whitespace changes relays make.
    public static let relaxed = Canonicalization(header: .relaxed, body: .relaxed)

    /// Reads a `c=` value; RFC 6376 §3.5: a missing body part means simple, and a missing tag
    /// means simple/simple.
    public init?(tagValue: String) {
        let parts = tagValue.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let header = CanonicalizationAlgorithm(rawValue: parts[0].lowercased()) else {
            return nil
        }
        let body = parts.count == 2 ? CanonicalizationAlgorithm(rawValue: parts[1].lowercased()) : .simple
        guard let body else { return nil }
        self.init(header: header, body: body)
    }

    /// The `c=` value, e.g. `relaxed/relaxed`.
    public var description: String {
        "\(header.rawValue)/\(body.rawValue)"
    }
}

extension CanonicalizationAlgorithm {
    /// `field` canonicalised, ending with CRLF.
    ///
    /// simple (§3.4.1): the field exactly as it was. relaxed (§3.4.2): name lower-cased,
    /// unfolded, every run of WSP made one space, whitespace around the colon and at the end
    /// of the value removed.
    public func canonicalize(_ field: HeaderField) -> [UInt8] {
        switch self {
        case .simple:
            return field.raw + [.cr, .lf]
        case .relaxed:
            var output = Array(field.name.lowercased().utf8)
            output.append(.colon)
            var pendingSpace = false
            var valueStarted = false
            for byte in field.rawValue where byte != .cr && byte != .lf {
                if byte.isWhitespace {
                    pendingSpace = valueStarted
                    continue
                }
                if pendingSpace { output.append(.space) }
                pendingSpace = false
                valueStarted = true
                output.append(byte)
            }
            return output + [.cr, .lf]
        }
    }

    /// `body` canonicalised.
    ///
    /// simple (§3.4.3): empty lines at the end removed, a missing final CRLF added, and an
    /// empty body becomes one CRLF. relaxed (§3.4.4): also WSP at line ends removed and every
    /// other run of WSP made one space; an empty body stays empty. Lines end at CRLF.
    public func canonicalize(body: some Collection<UInt8>) -> [UInt8] {
        let bytes = Array(body)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 2)
        var pendingEmptyLines = 0
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, !(bytes[lineEnd] == .cr && lineEnd + 1 < bytes.count && bytes[lineEnd + 1] == .lf) {
                lineEnd += 1
            }
            let line = self == .relaxed ? Self.relaxedLine(bytes[lineStart..<lineEnd]) : Array(bytes[lineStart..<lineEnd])
            if line.isEmpty {
                pendingEmptyLines += 1
            } else {
                for _ in 0..<pendingEmptyLines { output += [.cr, .lf] }
                pendingEmptyLines = 0
                output += line
                output += [.cr, .lf]
            }
            lineStart = lineEnd + 2
        }
        if self == .simple, output.isEmpty { return [.cr, .lf] }
        return output
    }

    /// One body line with its WSP runs made one space and its trailing WSP removed.
    private static func relaxedLine(_ line: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(line.count)
        var pendingSpace = false
        for byte in line {
            if byte.isWhitespace {
                pendingSpace = true
            } else {
                if pendingSpace { output.append(.space) }
                pendingSpace = false
                output.append(byte)
            }
        }
        return output
    }
}
