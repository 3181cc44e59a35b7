import EnvoiCore
import MailMessage

/// The body of `POST /20220926/actions/submitEmail` (`SubmitEmailDetails`, spec/OCI-API.md §3).
/// Every field is optional here so that a missing one gets BEHAVIOUR.md §2's exact message.
package struct SubmitEmailDetails: Decodable, Equatable {
    var messageId: String?
    var sender: SenderDetails?
    var recipients: RecipientDetails?
    var subject: String?
    var bodyHtml: String?
    var bodyText: String?
    var replyTo: [EmailAddressDetails]?
    var headerFields: [String: String]?

    struct SenderDetails: Decodable, Equatable {
        var senderAddress: EmailAddressDetails?
        var compartmentId: String?
    }

    struct RecipientDetails: Decodable, Equatable {
        var to: [EmailAddressDetails]?
        var cc: [EmailAddressDetails]?
        var bcc: [EmailAddressDetails]?
    }

    /// The most recipients one submission may have, in To, Cc and Bcc together.
    package static let maximumRecipients = 50

    /// The checked submission: what `MessageDraft` needs besides the Message-ID and the date.
    package struct Checked {
        package var from: Mailbox
        package var compartment: OCID
        package var to: [Mailbox]
        package var cc: [Mailbox]
        package var bcc: [Mailbox]
        package var replyTo: [Mailbox]
        package var subject: String
        package var body: MessageBody
        package var customHeaders: [CustomHeader]
        /// The caller's Message-ID, when given.
        package var messageID: MessageID?
    }

    /// Applies BEHAVIOUR.md §2's rules in order: required attributes, counts, addresses,
    /// Message-ID, custom headers.
    package func checked() throws(WireError) -> Checked {
        guard let sender, let senderAddress = sender.senderAddress, !(senderAddress.email ?? "").isEmpty else {
            throw .missing("Required attribute sender cannot be empty or null")
        }
        guard let compartmentText = sender.compartmentId, !compartmentText.isEmpty else {
            throw .missing("Required attribute sender compartmentId cannot be empty or null")
        }
        let to = recipients?.to ?? [], cc = recipients?.cc ?? [], bcc = recipients?.bcc ?? []
        guard !(to.isEmpty && cc.isEmpty && bcc.isEmpty) else {
            throw .missing("Required attribute recipients must contain to, cc or bcc recipients")
        }
        guard let subject, !subject.isEmpty else { throw .missing("Required attribute subject cannot be empty or null") }
        guard let body = MessageBody(text: bodyText, html: bodyHtml) else {
            throw .missing("Required attribute body (html/text) is missing. Request must contain bodyText or bodyHtml")
        }
        guard to.count + cc.count + bcc.count <= Self.maximumRecipients else {
            throw .invalid("maxItems: \(Self.maximumRecipients), for recipients in To:, CC: and BCC: fields")
        }
        let from = try senderAddress.mailbox()
        let compartment: OCID
        do { compartment = try ControlPlaneRules.compartmentID(compartmentText, field: "sender.compartmentId") } catch {
            throw .invalid(error.message)
        }
        var messageID: MessageID?
        if let messageId {
            guard let id = MessageID(messageId) else { throw .invalid("Message ID not formed per RFC 5322") }
            messageID = id
        }
        return Checked(from: from, compartment: compartment, to: try Self.mailboxes(to), cc: try Self.mailboxes(cc),
                       bcc: try Self.mailboxes(bcc), replyTo: try Self.mailboxes(replyTo ?? []),
                       subject: subject, body: body, customHeaders: try Self.customHeaders(headerFields ?? [:]), messageID: messageID)
    }

    static func mailboxes(_ addresses: [EmailAddressDetails]) throws(WireError) -> [Mailbox] {
        var mailboxes: [Mailbox] = []
        for address in addresses { mailboxes.append(try address.mailbox()) }
        return mailboxes
    }

    /// Custom headers in name order, each validated by `CustomHeader.validate`.
    static func customHeaders(_ fields: [String: String]) throws(WireError) -> [CustomHeader] {
        var headers: [CustomHeader] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            switch CustomHeader.validate(name: name, value: value) {
            case .valid(let header):
                headers.append(header)
            case .invalid(.emptyName):
                throw .invalid("Header key cannot be null or empty")
            case .invalid(.nonASCIIName(let name)), .invalid(.malformedName(let name)):
                throw .invalid("Custom email header keys must be ASCII only \(name)")
            case .invalid(.reservedName(let name)):
                throw .invalid("\(name) is a reserved email header that is not allowed")
            case .invalid(.lineBreakInValue(let name)):
                throw .invalid("Custom email header values must not contain CR or LF characters \(name)")
            case .invalid:
                throw .invalid("Invalid custom email header \(name)")
            }
        }
        return headers
    }
}

/// `EmailAddress`: an ASCII address and an optional UTF-8 display name.
package struct EmailAddressDetails: Codable, Equatable {
    package var email: String?
    package var name: String?

    package init(email: String? = nil, name: String? = nil) {
        self.email = email
        self.name = name
    }

    /// The mailbox; `Email address cannot be null or empty` or `Invalid email address: <address>`.
    package func mailbox() throws(WireError) -> Mailbox {
        guard let email, !email.isEmpty else { throw .invalid("Email address cannot be null or empty") }
        guard let address = EmailAddress(email) else { throw .invalid("Invalid email address: \(email)") }
        return Mailbox(address: address, displayName: name.flatMap { $0.isEmpty ? nil : $0 })
    }
}
