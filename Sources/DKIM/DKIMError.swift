import MailMessage

/// The one error type of `DKIM`: what stops signing or key handling. Outcomes that are expected
/// (a key record with a mistake, a signature that does not verify) are values instead:
/// `DKIMKeyRecord.ParseResult`, `DKIMVerificationResult`.
///
/// A struct over a private code, so new cases never break callers; equality compares the code.
public struct DKIMError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case unparseableMessage(MailMessageError)
        case invalidSelector(String)
        case unreadablePrivateKey
        case privateKeyTooShort(bits: Int)
        case keyGenerationFailed
        case signingFailed
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The message to sign has no readable header section.
    public static func unparseableMessage(_ error: MailMessageError) -> DKIMError {
        DKIMError(.unparseableMessage(error))
    }

    /// The selector is not a sequence of DNS labels (RFC 6376 §3.1).
    public static func invalidSelector(_ selector: String) -> DKIMError {
        DKIMError(.invalidSelector(selector))
    }

    /// The PEM text is not an RSA (PKCS#1 or PKCS#8) or Ed25519 (PKCS#8) private key.
    public static let unreadablePrivateKey = DKIMError(.unreadablePrivateKey)

    /// An RSA key shorter than 2048 bits was offered for signing (RFC 8301 §3.2 forbids under
    /// 1024; the service generates 2048 and refuses to import less).
    public static func privateKeyTooShort(bits: Int) -> DKIMError {
        DKIMError(.privateKeyTooShort(bits: bits))
    }

    /// The crypto library could not generate a key.
    public static let keyGenerationFailed = DKIMError(.keyGenerationFailed)

    /// The crypto library could not produce a signature.
    public static let signingFailed = DKIMError(.signingFailed)

    /// A line for logs; it never contains key material.
    public var description: String {
        switch code {
        case .unparseableMessage(let error): "cannot sign: \(error)"
        case .invalidSelector(let selector): "invalid DKIM selector \(selector)"
        case .unreadablePrivateKey: "unreadable DKIM private key"
        case .privateKeyTooShort(let bits): "RSA private key of \(bits) bits is too short (2048 at least)"
        case .keyGenerationFailed: "DKIM key generation failed"
        case .signingFailed: "DKIM signing failed"
        }
    }
}
