/// The three-digit code that starts every SMTP reply (RFC 5321 §4.2).
///
/// An open struct rather than an enum: the cloud service this project mirrors uses codes that
/// RFC 5321 does not list (`254`), and a new code must never break a caller's `switch`.
public struct SMTPReplyCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code, from 200 to 599.
    public let rawValue: Int

    /// Wraps a numeric code; codes outside 200...599 are not SMTP replies and are refused.
    public init?(rawValue: Int) {
        guard (200...599).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ value: Int) {
        self.rawValue = value
    }

    /// The code as three ASCII digits.
    public var description: String { String(rawValue) }

    /// RFC 5321 §4.2.1: 2yz is a positive completion.
    public var isPositiveCompletion: Bool { rawValue / 100 == 2 }
    /// RFC 5321 §4.2.1: 3yz asks the client for more information.
    public var isPositiveIntermediate: Bool { rawValue / 100 == 3 }
    /// RFC 5321 §4.2.1: 4yz is a transient failure; the client may retry.
    public var isTransientFailure: Bool { rawValue / 100 == 4 }
    /// RFC 5321 §4.2.1: 5yz is a permanent failure.
    public var isPermanentFailure: Bool { rawValue / 100 == 5 }

    /// 214: help message (RFC 5321 §4.2.2).
    public static let helpMessage = Self(214)
    /// 220: service ready; also the STARTTLS go-ahead (RFC 3207 §4).
    public static let serviceReady = Self(220)
    /// 221: service closing transmission channel.
    public static let serviceClosing = Self(221)
    /// 235: authentication succeeded (RFC 4954 §6).
    public static let authenticationSucceeded = Self(235)
    /// 250: requested mail action okay, completed.
    public static let ok = Self(250)
    /// 252: cannot VRFY user, but will accept the message (RFC 5321 §3.5.3).
    public static let cannotVerifyUser = Self(252)
    /// 254: the cloud service's positive reply for a suppressed recipient (BEHAVIOUR.md §1).
    public static let recipientSuppressed = Self(254)
    /// 334: server challenge during AUTH (RFC 4954 §4).
    public static let authenticationChallenge = Self(334)
    /// 354: start mail input.
    public static let startMailInput = Self(354)
    /// 421: service not available, closing transmission channel; the server closes after it.
    public static let serviceNotAvailable = Self(421)
    /// 451: local error in processing.
    public static let localError = Self(451)
    /// 452: insufficient system storage (also "too many recipients", RFC 5321 §4.5.3.1.10).
    public static let insufficientStorage = Self(452)
    /// 455: server unable to accommodate parameters; the cloud service uses it for send limits.
    public static let unableToAccommodateParameters = Self(455)
    /// 500: syntax error, command unrecognised (also "line too long").
    public static let syntaxError = Self(500)
    /// 501: syntax error in parameters or arguments.
    public static let syntaxErrorInParameters = Self(501)
    /// 502: command not implemented.
    public static let commandNotImplemented = Self(502)
    /// 503: bad sequence of commands.
    public static let badSequence = Self(503)
    /// 504: command parameter not implemented.
    public static let parameterNotImplemented = Self(504)
    /// 530: authentication or encryption required first (RFC 4954 §6, RFC 3207 §4).
    public static let accessDenied = Self(530)
    /// 535: authentication credentials invalid (RFC 4954 §6).
    public static let authenticationFailed = Self(535)
    /// 550: mailbox or destination unavailable; the action was not taken (RFC 5321 §4.2.2).
    public static let mailboxUnavailable = Self(550)
    /// 556: the domain does not accept mail (RFC 7505 §4.2, its null MX).
    public static let domainDoesNotAcceptMail = Self(556)
    /// 552: requested mail action aborted, exceeded storage allocation.
    public static let exceededStorageAllocation = Self(552)
    /// 553: mailbox name not allowed.
    public static let mailboxNameNotAllowed = Self(553)
    /// 554: transaction failed.
    public static let transactionFailed = Self(554)
    /// 555: MAIL FROM/RCPT TO parameters not recognised or not implemented.
    public static let parametersNotRecognized = Self(555)
}
