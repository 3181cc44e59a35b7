/// A secret at rest that cannot be opened, with a message an operator can act on. Never carries
/// the secret, the key or the sealed bytes.
public struct SecretBoxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What failed.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The master key, the place (context) or the bytes differ from those it was sealed with.
        public static let unreadable = Code("unreadable")

        public var description: String { name }
    }

    public let code: Code
    public let message: String

    public var description: String { message }

    static func unreadable(_ context: String) -> SecretBoxError {
        SecretBoxError(code: .unreadable, message: "a secret at rest (\(context)) cannot be decrypted: wrong master key or damaged data")
    }
}
