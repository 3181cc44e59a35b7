/// Why an inbound message could not be read as a delivery status notification or a feedback
/// report. The only error type of this module (STYLE.md): a struct over a private code, equal
/// by code, so that new cases never break callers.
public struct ReportError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case notAReport
        case noBoundary
        case missingPart(String)
        case missingField(String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The message is not `multipart/report` (RFC 6522), or its header cannot be parsed.
    public static let notAReport = ReportError(.notAReport)
    /// `multipart/report` without a usable `boundary` parameter (RFC 2046 §5.1.1).
    public static let noBoundary = ReportError(.noBoundary)
    /// The machine-readable part (`message/delivery-status`, `message/feedback-report`) is absent.
    public static func missingPart(_ mediaType: String) -> ReportError { ReportError(.missingPart(mediaType)) }
    /// A field the RFC requires is absent.
    public static func missingField(_ name: String) -> ReportError { ReportError(.missingField(name)) }

    public var description: String {
        switch code {
        case .notAReport: "not a multipart/report message"
        case .noBoundary: "multipart/report without a boundary"
        case .missingPart(let type): "no \(type) part"
        case .missingField(let name): "no \(name) field"
        }
    }
}
