@testable import Bounces
import EnvoiCore
import Foundation
import Testing

/// RFC 3464 and RFC 5965 examples (their appendices, with CRLF line endings) and a Postfix
/// bounce, kept in Resources.
@Suite("DSN and ARF reports")
struct ReportVerdictTests {
    static func resource(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Resources/\(name)", withExtension: nil))
        return Array(try Data(contentsOf: url))
    }

    @Test func theRFC3464SimpleDSNIsAFailureWithAPersistentTransientStatus() throws {
        let dsn = try DeliveryStatusNotification(parsing: Self.resource("rfc3464-simple-dsn.eml"))
        #expect(dsn.reportingMTA == "cs.utk.edu")
        #expect(dsn.recipients == [.init(finalRecipient: "louisl@larry.slip.umd.edu", action: "failed", status: "4.0.0",
                                         diagnosticCode: "426 connection timed out", remoteMTA: nil)])
        #expect(ReportVerdict.classify(try Self.resource("rfc3464-simple-dsn.eml"))
                == .record(.softBounce, detail: "426 connection timed out", source: "cs.utk.edu"))
    }

    @Test func theMultiRecipientDSNIsReadGroupByGroupWithFoldedFields() throws {
        let dsn = try DeliveryStatusNotification(parsing: Self.resource("rfc3464-multi-recipient-dsn.eml"))
        #expect(dsn.recipients.map(\.action) == ["failed", "delayed", "failed"])
        #expect(dsn.recipients.map(\.status) == ["5.0.0", "4.0.0", "5.0.0"])
        #expect(dsn.recipients[0].diagnosticCode == "550 'arathib@vnet.IBM.COM' is not a registered gateway user")
        #expect(dsn.recipients[0].remoteMTA == "vnet.ibm.com")
        #expect(ReportVerdict.classify(try Self.resource("rfc3464-multi-recipient-dsn.eml"))
                == .record(.hardBounce, detail: "550 'arathib@vnet.IBM.COM' is not a registered gateway user", source: "cs.utk.edu"))
    }

    @Test func aPostfixBounceIsAHardBounceWithTheRemoteReply() throws {
        #expect(ReportVerdict.classify(try Self.resource("postfix-user-unknown-dsn.eml")) == .record(
            .hardBounce,
            detail: "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table",
            source: "mx.example.org"))
    }

    @Test func aDelayNoticeIsIgnored() throws {
        guard case .ignore = ReportVerdict.classify(try Self.resource("rfc3464-delayed-dsn.eml")) else {
            Issue.record("a delayed DSN must not be recorded")
            return
        }
    }

    @Test func theRFC5965ReportsAreComplaints() throws {
        let simple = try FeedbackReport(parsing: Self.resource("rfc5965-simple-arf.eml"))
        #expect(simple.feedbackType == "abuse")
        #expect(simple.userAgent == "SomeGenerator/1.0")
        #expect(ReportVerdict.classify(try Self.resource("rfc5965-simple-arf.eml"))
                == .record(.complaint, detail: "Feedback-Type: abuse", source: "SomeGenerator/1.0"))
        let complete = try FeedbackReport(parsing: Self.resource("rfc5965-complete-arf.eml"))
        #expect(complete.reportingMTA == "mail.example.com")
        #expect(complete.originalRecipient == "<user@example.com>")
        #expect(complete.sourceIP == "192.0.2.1")
        #expect(ReportVerdict.classify(try Self.resource("rfc5965-complete-arf.eml"))
                == .record(.complaint, detail: "Feedback-Type: abuse", source: "mail.example.com"))
    }

    @Test("what is not a failure or abuse report is ignored", arguments: ["not-spam-arf.eml", "auto-reply.eml"])
    func ignored(name: String) throws {
        guard case .ignore = ReportVerdict.classify(try Self.resource(name)) else {
            Issue.record("\(name) must not be recorded")
            return
        }
    }

    @Test func aReportWithoutItsMachineReadablePartIsRefusedByTheParser() {
        let message = Array("""
            Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r
            \r
            --b\r
            Content-Type: text/plain\r
            \r
            Your mail bounced.\r
            --b--\r

            """.utf8)
        #expect(throws: ReportError.missingPart("message/delivery-status")) { try DeliveryStatusNotification(parsing: message) }
        #expect(throws: ReportError.notAReport) { try FeedbackReport(parsing: message) }
    }

    @Test func aBase64StatusPartIsDecoded() throws {
        let status = Data("Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; a@example.org\r\nAction: failed\r\nStatus: 5.2.1\r\n".utf8)
            .base64EncodedString()
        let message = Array("""
            Content-Type: multipart/report; boundary=xyz; report-type="delivery-status"\r
            \r
            --xyz\r
            Content-Type: message/delivery-status\r
            Content-Transfer-Encoding: base64\r
            \r
            \(status)\r
            --xyz--\r

            """.utf8)
        #expect(ReportVerdict.classify(message) == .record(.hardBounce, detail: "Status: 5.2.1", source: "mx.example.org"))
    }

    @Test func contentTypeParametersAreUnquotedAndCaseInsensitive() {
        let type = ContentType("Multipart/Report; Report-Type=delivery-status; boundary=\"a;b\"")
        #expect(type.mediaType == "multipart/report")
        #expect(type.parameters == ["report-type": "delivery-status", "boundary": "a;b"])
    }
}
