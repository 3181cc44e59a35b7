import NIOCore
import NIOSSL

/// How the client verifies the server's certificate after STARTTLS (RFC 3207 §4.1).
///
/// Built once and shared by every connection: the `NIOSSLContext` holds the trust store.
public struct SMTPClientTLSConfiguration: Sendable {
    /// How the server's certificate is checked.
    public enum Verification: Hashable, Sendable {
        /// Not at all: encryption without authentication, as opportunistic SMTP TLS does between
        /// MTAs (RFC 7435 §1) and as a load generator needs against self-signed certificates.
        case none
        /// Against the system's trust store.
        case systemRoots
        /// Against the CA certificates in this PEM file (for example a self-signed server certificate).
        case trustRootsFile(String)
    }

    let context: NIOSSLContext
    /// The name sent with SNI and checked against the certificate; nil for an IP address, which
    /// SNI cannot carry (RFC 6066 §3) and which is checked against the certificate's IP SANs.
    let serverHostname: String?

    /// A configuration for connections to `host` (a DNS name or an IP address).
    ///
    /// - Throws: the TLS library's error when the trust roots cannot be loaded.
    public init(verification: Verification, host: String) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        // Envoi requires TLS 1.2 or newer on every hop it controls (BEHAVIOUR.md §6).
        tls.minimumTLSVersion = .tlsv12
        switch verification {
        case .none:
            tls.certificateVerification = .none
        case .systemRoots:
            tls.certificateVerification = .fullVerification
        case .trustRootsFile(let path):
            tls.certificateVerification = .fullVerification
            tls.trustRoots = .file(path)
        }
        self.context = try NIOSSLContext(configuration: tls)
        self.serverHostname = Self.isIPAddress(host) ? nil : host
    }

    private init(context: NIOSSLContext, serverHostname: String?) {
        self.context = context
        self.serverHostname = serverHostname
    }

    /// The same trust store for connections to another `host`: direct delivery talks to many MX
    /// hosts, and loading the trust roots once per host name would cost more than the handshake.
    public func forServer(_ host: String) -> SMTPClientTLSConfiguration {
        SMTPClientTLSConfiguration(context: context, serverHostname: Self.isIPAddress(host) ? nil : host)
    }

    /// The handler that runs the client side of the handshake.
    func makeHandler() throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: serverHostname)
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}
