import EnvoiCore

/// What an HTTPS submission (SubmitEmailDetails, OCI-API §3) asks to send, in checked values:
/// the input of `MessageComposer`.
public struct MessageDraft: Hashable, Sendable {
    /// The header From (also the envelope sender).
    public var from: Mailbox
    /// The To recipients.
    public var to: [Mailbox]
    /// The Cc recipients.
    public var cc: [Mailbox]
    /// The Bcc recipients: envelope only, never written into the message.
    public var bcc: [Mailbox]
    /// The Reply-To mailboxes; none means replies go to From, so no field is written.
    public var replyTo: [Mailbox]
    /// The subject, any Unicode text.
    public var subject: String
    /// The text and/or HTML body.
    public var body: MessageBody
    /// Validated custom header fields, written in this order.
    public var customHeaders: [CustomHeader]
    /// The Message-ID (the caller's, or one from `MessageID.generate`).
    public var messageID: MessageID
    /// The Date field (injected, so composition is deterministic).
    public var date: MessageDate

    /// A draft with every part given; the recipient lists, Reply-To and custom headers default
    /// to empty.
    public init(
        from: Mailbox, to: [Mailbox] = [], cc: [Mailbox] = [], bcc: [Mailbox] = [],
        replyTo: [Mailbox] = [], subject: String, body: MessageBody,
        customHeaders: [CustomHeader] = [], messageID: MessageID, date: MessageDate
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.bcc = bcc
        self.replyTo = replyTo
        self.subject = subject
        self.body = body
        self.customHeaders = customHeaders
        self.messageID = messageID
        self.date = date
    }

    /// Every recipient of the envelope: To, then Cc, then Bcc, as given (duplicates kept).
    public var envelopeRecipients: [EmailAddress] {
        (to + cc + bcc).map(\.address)
    }
}

/// The body of a composed message: plain text, HTML, or both as multipart/alternative.
public enum MessageBody: Hashable, Sendable {
    /// text/plain only.
    case text(String)
    /// text/html only.
    case html(String)
    /// multipart/alternative with the text part first and the HTML part last, the one a
    /// reader prefers (RFC 2046 §5.1.4).
    case alternative(text: String, html: String)

    /// The body for the API's optional `bodyText` and `bodyHtml`; nil when both are missing
    /// (`Required attribute body (html/text) is missing…`, BEHAVIOUR §2).
    public init?(text: String?, html: String?) {
        switch (text, html) {
        case let (text?, html?): self = .alternative(text: text, html: html)
        case let (text?, nil): self = .text(text)
        case let (nil, html?): self = .html(html)
        case (nil, nil): return nil
        }
    }
}
