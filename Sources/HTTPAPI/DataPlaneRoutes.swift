import APIWire
import EnvoiCore
import Foundation
import HTTPTypes
import Hummingbird
import MailMessage

/// The data plane (`/20220926`, spec/OCI-API.md §3): submitEmail composes the message from JSON,
/// submitRawEmail takes it as sent. Both go through the same `MessageIntake` as SMTP, so
/// authorisation, suppression, limits, size and the durable commit are SMTP's.
struct DataPlaneRoutes: Sendable {
    let intake: any MessageIntake
    let ledger: any SubmissionLedger
    let now: @Sendable () -> Date

    static let senderHeader = HTTPField.Name("sender")!
    static let recipientsHeader = HTTPField.Name("recipients")!
    static let compartmentHeader = HTTPField.Name("compartment-id")!
    /// The media types submitRawEmail accepts.
    static let rawContentTypes: Set<String> = ["message/rfc822", "message/global"]

    func register(on router: Router<APIRequestContext>) {
        router.post("/20220926/actions/submitEmail") { _, context in try await submitEmail(context) }
        router.post("/20220926/actions/submitRawEmail") { request, context in try await submitRawEmail(request, context) }
    }

    func submitEmail(_ context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let checked = try APIError.mapping { () throws(WireError) -> SubmitEmailDetails.Checked in
            try SubmitEmailDetails.decode(from: context.body).checked()
        }
        if let id = checked.messageID, let recorded = try await ledger.recordedResponse(user: caller.user, messageId: id.value, since: since()) {
            return JSONCoding.rawResponse(Data(recorded.utf8))
        }
        let messageID = checked.messageID ?? MessageID.generate(domain: checked.from.address.domain)
        let everyone = checked.to + checked.cc + checked.bcc
        return try await submit(MessageComposer.compose(checked.draft(messageID: messageID, date: now())), from: checked.from.address, recipients: everyone.map(\.address),
                                compartment: checked.compartment, ledgerKey: checked.messageID?.value, caller: caller,
                                composedHeader: ComposedHeader(from: [checked.from.address], messageID: messageID.value)) { queueID, suppressed in
            let mailboxes = suppressed.map { address in everyone.first { $0.address == address } ?? Mailbox(address: address) }
            return EmailSubmittedResponse(messageId: messageID.value, envelopeId: queueID,
                                          suppressedRecipients: mailboxes.map { EmailAddressDetails(email: $0.address.description, name: $0.displayName) })
        }
    }

    func submitRawEmail(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        guard Self.rawContentTypes.contains(mediaType) else {
            throw APIError.invalid("Invalid value for content-type: expected message/rfc822 or message/global")
        }
        guard let senderText = request.headers[Self.senderHeader], !senderText.isEmpty else {
            throw APIError.missing("Required attribute sender cannot be empty or null")
        }
        guard let compartmentText = request.headers[Self.compartmentHeader], !compartmentText.isEmpty else {
            throw APIError.missing("Required attribute sender compartmentId cannot be empty or null")
        }
        let recipientTexts = (request.headers[Self.recipientsHeader] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !recipientTexts.isEmpty else { throw APIError.missing("Required attribute recipients must contain to, cc or bcc recipients") }
        guard recipientTexts.count <= SubmitEmailDetails.maximumRecipients else {
            throw APIError.invalid("maxItems: \(SubmitEmailDetails.maximumRecipients), for recipients in To:, CC: and BCC: fields")
        }
        let sender: EmailAddress, recipients: [EmailAddress]
        do {
            sender = try EmailAddressDetails(email: senderText).mailbox().address
            recipients = try recipientTexts.map { address throws(WireError) in try EmailAddressDetails(email: address).mailbox().address }
        } catch {
            throw APIError(error)
        }
        let compartment: OCID
        do { compartment = try ControlPlaneRules.compartmentID(compartmentText, field: "compartment-id") } catch {
            throw APIError(.badRequest, .invalidParameter, error.message)
        }
        let message = LineEndings.crlf(context.body)
        let callerMessageID = (try? ParsedMessage(parsing: message))?.header.first(named: "Message-ID").map {
            $0.value.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        }
        let ledgerKey = callerMessageID.map { "rfc822:" + $0 }
        if let ledgerKey, let recorded = try await ledger.recordedResponse(user: caller.user, messageId: ledgerKey, since: since()) {
            return JSONCoding.rawResponse(Data(recorded.utf8))
        }
        return try await submit(message, from: sender, recipients: recipients, compartment: compartment, ledgerKey: ledgerKey,
                                caller: caller) { queueID, suppressed in
            EmailRawSubmittedResponse(messageId: callerMessageID, envelopeId: queueID, suppressedRecipients: suppressed.map(\.description))
        }
    }

    /// Screens the recipients (suppression list, early limit check), then commits through the
    /// intake and answers what `answer` builds from the queue id and the suppressed recipients.
    /// With a `ledgerKey` the answer is recorded in the commit's transaction, so that a retry —
    /// even one racing this request — gets this answer and queues nothing.
    private func submit(_ message: [UInt8], from sender: EmailAddress, recipients: [EmailAddress], compartment: OCID,
                        ledgerKey: String?, caller: CallerAccess, composedHeader: ComposedHeader? = nil,
                        answer: (String, [EmailAddress]) -> some SubmitAnswer) async throws -> Response {
        let limit = intake.currentMaximumMessageSize()
        guard message.count <= limit else { throw IntakeRefusal.tooLarge(limit: limit).apiError }
        let submitter = Submitter(userId: caller.user)
        var accepted: [EmailAddress] = []
        var suppressed: [EmailAddress] = []
        var seen: Set<String> = []
        for recipient in recipients where seen.insert(recipient.normalized).inserted {
            switch await intake.checkRecipient(recipient, acceptedSoFar: accepted.count, for: submitter) {
            case .accepted: accepted.append(recipient)
            case .suppressed: suppressed.append(recipient)
            case .refused(let refusal): throw refusal.apiError
            }
        }
        var submission = Submission(submitter: submitter, source: .https, envelopeSender: sender, recipients: accepted,
                                    suppressedRecipients: suppressed, message: message, compartment: compartment)
        let queueID = OCID.generate(.message).rawValue
        let body = answer(queueID, suppressed).json
        submission.queueID = queueID
        submission.composedHeader = composedHeader
        submission.replay = ledgerKey.map { SubmissionReplay(key: $0, response: String(decoding: body, as: UTF8.self)) }
        switch await intake.submit(submission) {
        case .queued: return JSONCoding.rawResponse(body)
        case .replayed(let recorded): return JSONCoding.rawResponse(Data(recorded.utf8))
        case .refused(let refusal): throw refusal.apiError
        }
    }

    private func since() -> Date { now().addingTimeInterval(-86_400) }
}

/// The answer of a submit route. Written by hand rather than by `JSONEncoder`, which cost as much
/// as decoding the request: the same bytes as `JSONCoding.encode` (sorted keys, absent optionals
/// left out, `/` escaped), which a test checks.
protocol SubmitAnswer: Encodable {
    func writeJSON(to json: inout JSONText)
}

extension SubmitAnswer {
    var json: Data {
        var json = JSONText()
        writeJSON(to: &json)
        return Data(json.bytes)
    }
}

/// `EmailSubmittedResponse`: suppressed recipients as `EmailAddress` objects.
struct EmailSubmittedResponse: SubmitAnswer {
    var messageId: String
    var envelopeId: String
    var suppressedRecipients: [EmailAddressDetails]

    func writeJSON(to json: inout JSONText) {
        json.open("{")
        json.key("envelopeId"); json.string(envelopeId)
        json.key("messageId"); json.string(messageId)
        json.key("suppressedRecipients"); json.open("[")
        for recipient in suppressedRecipients {
            json.open("{")
            if let email = recipient.email { json.key("email"); json.string(email) }
            if let name = recipient.name { json.key("name"); json.string(name) }
            json.close("}")
        }
        json.close("]")
        json.close("}")
    }
}

/// `EmailRawSubmittedResponse`: suppressed recipients as plain strings.
struct EmailRawSubmittedResponse: SubmitAnswer {
    var messageId: String?
    var envelopeId: String
    var suppressedRecipients: [String]

    func writeJSON(to json: inout JSONText) {
        json.open("{")
        json.key("envelopeId"); json.string(envelopeId)
        if let messageId { json.key("messageId"); json.string(messageId) }
        json.key("suppressedRecipients"); json.open("[")
        for recipient in suppressedRecipients { json.string(recipient) }
        json.close("]")
        json.close("}")
    }
}

/// A JSON writer for small fixed shapes: callers give an object's keys sorted. Commas go in by
/// themselves; strings are escaped as `JSONEncoder` escapes them.
struct JSONText {
    private(set) var bytes: [UInt8] = []
    /// Whether the next value or key follows another in its container.
    private var needsComma = false

    mutating func open(_ bracket: Unicode.Scalar) {
        separate()
        bytes.append(UInt8(ascii: bracket))
        needsComma = false
    }

    mutating func close(_ bracket: Unicode.Scalar) {
        bytes.append(UInt8(ascii: bracket))
        needsComma = true
    }

    mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    mutating func string(_ text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x08: bytes += Array(#"\b"#.utf8)
            case 0x0C: bytes += Array(#"\f"#.utf8)
            case 0x0A: bytes += Array(#"\n"#.utf8)
            case 0x0D: bytes += Array(#"\r"#.utf8)
            case 0x09: bytes += Array(#"\t"#.utf8)
            case 0x00..<0x20: bytes += Array(#"\u00"#.utf8) + [Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0F)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
