import EnvoiCore

/// What an inbound report means for the recipient it is about: the classification of RFC 3464
/// and RFC 5965 reports into suppressions. Pure: the intake decides whom it applies to.
public enum ReportVerdict: Sendable, Equatable {
    /// Record `outcome`; `detail` goes to the suppression's errorDetail and the event's status,
    /// `source` (the reporting MTA) to errorSource.
    case record(ReportedOutcome, detail: String, source: String?)
    /// Nothing to record, and why.
    case ignore(String)

    /// Classifies a whole message received at a return path.
    ///
    /// - A DSN (`report-type=delivery-status`): the first recipient group with `Action: failed`
    ///   decides; status class 5 (RFC 3463 §3.1, permanent) is a hard bounce, class 4 a soft one;
    ///   `delayed`, `delivered`, `relayed` and `expanded` are only news, and are ignored.
    /// - An ARF report (`report-type=feedback-report`): `Feedback-Type: abuse` is a complaint;
    ///   the other types (fraud, virus, other, not-spam) are not the recipient's wish to stop
    ///   receiving mail, and are ignored.
    /// - Anything else (an auto-reply, a non-standard bounce) is ignored.
    public static func classify(_ message: [UInt8]) -> ReportVerdict {
        let report: MultipartReport
        do throws(ReportError) {
            report = try MultipartReport(parsing: message)
        } catch {
            return .ignore(error.description)
        }
        switch report.reportType {
        case "delivery-status", "global-delivery-status":
            do throws(ReportError) {
                return classify(try DeliveryStatusNotification(parsing: message))
            } catch {
                return .ignore(error.description)
            }
        case "feedback-report":
            do throws(ReportError) {
                return classify(try FeedbackReport(parsing: message))
            } catch {
                return .ignore(error.description)
            }
        default:
            return .ignore("report-type \(report.reportType) is not handled")
        }
    }

    static func classify(_ notification: DeliveryStatusNotification) -> ReportVerdict {
        guard let failed = notification.recipients.first(where: { $0.action == "failed" }) else {
            return .ignore("no failed recipient (action \(notification.recipients.map(\.action).joined(separator: ", ")))")
        }
        let detail = failed.diagnosticCode ?? "Status: \(failed.status)"
        switch failed.status.first {
        case "5": return .record(.hardBounce, detail: detail, source: notification.reportingMTA)
        case "4": return .record(.softBounce, detail: detail, source: notification.reportingMTA)
        default: return .ignore("status \(failed.status) of a failed recipient is neither 4.x.x nor 5.x.x")
        }
    }

    static func classify(_ report: FeedbackReport) -> ReportVerdict {
        guard report.feedbackType == "abuse" else { return .ignore("feedback type \(report.feedbackType)") }
        return .record(.complaint, detail: "Feedback-Type: \(report.feedbackType)", source: report.reportingMTA ?? report.userAgent)
    }
}
