/// An enhanced mail system status code, `class.subject.detail` (RFC 3463, sent as RFC 2034 says).
///
/// Kept apart from ``SMTPReplyCode`` because the two do not always agree in class: the cloud
/// service's suppression reply pairs `254` with `4.7.1`, and that pairing is part of the contract.
public struct EnhancedStatusCode: Hashable, Sendable, CustomStringConvertible {
    /// 2 (success), 4 (persistent transient failure) or 5 (permanent failure).
    public let statusClass: Int
    /// RFC 3463 §3: the subject (0 undefined, 1 addressing, 2 mailbox, 3 mail system,
    /// 4 network and routing, 5 mail delivery protocol, 6 message content, 7 security or policy).
    public let subject: Int
    /// The detail within the subject, 0...999.
    public let detail: Int

    /// Builds `statusClass.subject.detail`; values outside RFC 3463 §2's ranges are refused.
    public init?(_ statusClass: Int, _ subject: Int, _ detail: Int) {
        guard [2, 4, 5].contains(statusClass), (0...999).contains(subject), (0...999).contains(detail) else {
            return nil
        }
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    private init(known statusClass: Int, _ subject: Int, _ detail: Int) {
        self.statusClass = statusClass
        self.subject = subject
        self.detail = detail
    }

    /// The code as sent on the wire, for example `5.5.2`.
    public var description: String { "\(statusClass).\(subject).\(detail)" }

    /// 2.0.0: other or undefined success.
    public static let success = Self(known: 2, 0, 0)
    /// 2.1.0: originator address accepted.
    public static let senderAccepted = Self(known: 2, 1, 0)
    /// 2.1.5: destination address valid.
    public static let recipientAccepted = Self(known: 2, 1, 5)
    /// 2.7.0: security or policy status, success (RFC 4954 §6: AUTH accepted).
    public static let securitySuccess = Self(known: 2, 7, 0)
    /// 4.3.0: other or undefined mail system status.
    public static let mailSystemTransient = Self(known: 4, 3, 0)
    /// 4.4.0: other or undefined network or routing status.
    public static let networkTransient = Self(known: 4, 4, 0)
    /// 4.4.1: no answer from the host (RFC 3463 X.4.1).
    public static let noAnswerFromHost = Self(known: 4, 4, 1)
    /// 4.4.2: bad connection (RFC 3463 X.4.2).
    public static let badConnection = Self(known: 4, 4, 2)
    /// 5.0.0: permanent failure, other (RFC 3463 X.0.0).
    public static let permanentOther = Self(known: 5, 0, 0)
    /// 4.3.2: system not accepting network messages (shutting down).
    public static let notAcceptingMessages = Self(known: 4, 3, 2)
    /// 4.5.0: other or undefined protocol status.
    public static let protocolTransient = Self(known: 4, 5, 0)
    /// 4.5.3: too many recipients (RFC 3463 §3.6).
    public static let tooManyRecipients = Self(known: 4, 5, 3)
    /// 4.7.1: delivery not authorised; the cloud service's code for a suppressed recipient.
    public static let deliveryNotAuthorized = Self(known: 4, 7, 1)
    /// 5.5.1: invalid command.
    public static let invalidCommand = Self(known: 5, 5, 1)
    /// 4.4.3: directory server failure — DNS could not be asked or did not answer (RFC 3463 §3.5).
    public static let directoryServerFailure = Self(known: 4, 4, 3)
    /// 4.4.4: unable to route — the destination's hosts have no address (RFC 3463 §3.5).
    public static let unableToRoute = Self(known: 4, 4, 4)
    /// 4.7.10: encryption needed — TLS is required toward this host (RFC 5248's registry).
    public static let encryptionNeeded = Self(known: 4, 7, 10)
    /// 5.1.2: bad destination system address — the domain does not exist (RFC 3463 §3.2).
    public static let badDestinationSystem = Self(known: 5, 1, 2)
    /// 5.1.10: the recipient's domain has a null MX (RFC 7505 §4.2).
    public static let nullMX = Self(known: 5, 1, 10)
    /// 5.5.2: syntax error.
    public static let syntaxError = Self(known: 5, 5, 2)
    /// 5.5.4: invalid command arguments.
    public static let invalidArguments = Self(known: 5, 5, 4)
    /// 5.6.0: other or undefined media error (the message content is unacceptable).
    public static let mediaError = Self(known: 5, 6, 0)
    /// 5.7.0: other or undefined security status.
    public static let securityFailure = Self(known: 5, 7, 0)
    /// 5.1.1: bad destination mailbox address.
    public static let badDestinationMailbox = Self(known: 5, 1, 1)
}
