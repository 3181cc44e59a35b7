/// A delivery status notification (RFC 3464): `multipart/report; report-type=delivery-status`
/// whose `message/delivery-status` part holds one per-message group and one group per
/// recipient. RFC 6533's `message/global-delivery-status` is read the same way.
public struct DeliveryStatusNotification: Sendable, Equatable {
    /// One per-recipient group (RFC 3464 §2.3).
    public struct Recipient: Sendable, Equatable {
        /// `Final-Recipient`, without its address type.
        public var finalRecipient: String?
        /// `Action`, lower-cased: failed, delayed, delivered, relayed or expanded (§2.3.3).
        public var action: String
        /// `Status`: an RFC 3463 code such as `5.1.1` (§2.3.4).
        public var status: String
        /// `Diagnostic-Code`, without its type: usually the remote SMTP reply (§2.3.6).
        public var diagnosticCode: String?
        /// `Remote-MTA`, without its type (§2.3.5).
        public var remoteMTA: String?
    }

    /// `Reporting-MTA`, without its type: the host that wrote the report (§2.2.2, required).
    public var reportingMTA: String
    public var recipients: [Recipient]

    static let statusMediaTypes: Set<String> = ["message/delivery-status", "message/global-delivery-status"]

    /// Reads a whole message; throws when it is not a DSN or lacks a required field.
    public init(parsing bytes: [UInt8]) throws(ReportError) {
        let report = try MultipartReport(parsing: bytes)
        guard report.reportType == "delivery-status" || report.reportType == "global-delivery-status" else { throw .notAReport }
        guard let part = report.part(Self.statusMediaTypes) else { throw .missingPart("message/delivery-status") }
        let groups = FieldGroups.parse(part.content)
        guard let perMessage = groups.first, let reportingMTA = FieldGroups.untyped(perMessage["reporting-mta"]) else {
            throw .missingField("Reporting-MTA")
        }
        var recipients: [Recipient] = []
        for group in groups.dropFirst() {
            // §2.3: Final-Recipient, Action and Status are required in each recipient group.
            guard let action = group["action"] else { throw .missingField("Action") }
            guard let status = group["status"] else { throw .missingField("Status") }
            recipients.append(Recipient(
                finalRecipient: FieldGroups.untyped(group["final-recipient"]), action: action.lowercased(),
                status: status.split(separator: " ").first.map(String.init) ?? status,
                diagnosticCode: FieldGroups.untyped(group["diagnostic-code"]), remoteMTA: FieldGroups.untyped(group["remote-mta"])))
        }
        guard !recipients.isEmpty else { throw .missingField("Final-Recipient") }
        self.reportingMTA = reportingMTA
        self.recipients = recipients
    }
}
