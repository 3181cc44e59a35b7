/// An abuse feedback report in the Abuse Reporting Format (RFC 5965):
/// `multipart/report; report-type=feedback-report` whose `message/feedback-report` part holds
/// one group of fields.
public struct FeedbackReport: Sendable, Equatable {
    /// `Feedback-Type`, lower-cased: abuse, fraud, other, virus (§7.3), not-spam (RFC 6650)…
    public var feedbackType: String
    /// `User-Agent`: the software that produced the report (§3.1, required).
    public var userAgent: String?
    /// `Reporting-MTA`, without its type (§3.2, optional).
    public var reportingMTA: String?
    /// `Original-Rcpt-To` (§3.2, optional, often removed by the reporter for privacy).
    public var originalRecipient: String?
    /// `Source-IP` (§3.2, optional).
    public var sourceIP: String?

    /// Reads a whole message; throws when it is not an ARF report or has no `Feedback-Type`.
    public init(parsing bytes: [UInt8]) throws(ReportError) {
        let report = try MultipartReport(parsing: bytes)
        guard report.reportType == "feedback-report" else { throw .notAReport }
        guard let part = report.part(["message/feedback-report"]) else { throw .missingPart("message/feedback-report") }
        guard let fields = FieldGroups.parse(part.content).first, let type = fields["feedback-type"] else {
            throw .missingField("Feedback-Type")
        }
        feedbackType = type.lowercased()
        userAgent = fields["user-agent"]
        reportingMTA = FieldGroups.untyped(fields["reporting-mta"])
        originalRecipient = fields["original-rcpt-to"]
        sourceIP = fields["source-ip"]
    }
}
