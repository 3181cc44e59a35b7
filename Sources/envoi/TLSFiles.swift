import EnvoiCore
import EnvoiStore
import Foundation
import NIOSSL

/// The certificate and key the listeners use: from `tls.certificate` / `tls.key`, or the
/// self-signed pair `envoi init` made. TLS 1.2 is the minimum (BEHAVIOUR.md §6).
struct TLSFiles {
    let certificatePath: String
    let keyPath: String

    init(configuration: EnvoiConfiguration, directory: DataDirectory) throws {
        switch (configuration.tlsCertificatePath, configuration.tlsKeyPath) {
        case (nil, nil):
            certificatePath = directory.certificatePath
            keyPath = directory.certificateKeyPath
        case (let certificate?, let key?):
            certificatePath = certificate
            keyPath = key
        default:
            throw ConfigurationErrorMessage("tls.certificate and tls.key must be set together")
        }
    }

    func serverContext() throws -> NIOSSLContext {
        let tls = try serverConfiguration()
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw ConfigurationErrorMessage("cannot load the TLS certificate \(certificatePath) and key \(keyPath): \(error)")
        }
    }

    /// The server configuration (TLS 1.2 minimum) that SMTP's STARTTLS and the HTTPS API share.
    func serverConfiguration() throws -> TLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            tls.minimumTLSVersion = .tlsv12
            return tls
        } catch {
            throw ConfigurationErrorMessage("cannot load the TLS certificate \(certificatePath) and key \(keyPath): \(error)")
        }
    }
}
