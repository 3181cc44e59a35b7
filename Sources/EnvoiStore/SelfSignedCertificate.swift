import Crypto
import Foundation
import SwiftASN1
import X509

/// The self-signed TLS certificate `envoi init` makes so that STARTTLS and HTTPS work on a first
/// run: ECDSA P-256, valid one year, with the SANs clients check (`DNS:localhost`,
/// `IP:127.0.0.1`, `IP:::1` — the cloud SDK verifies the host it was pointed at).
enum SelfSignedCertificate {
    /// Returns the certificate and its private key, both PEM.
    static func make(now: Date = Date()) throws -> (certificatePEM: String, keyPEM: String) {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName("Envoi self-signed")
            OrganizationName("Envoi")
        }
        let loopbackV6 = [UInt8](repeating: 0, count: 15) + [1]
        let extensions = try Certificate.Extensions {
            // A self-signed certificate is its own trust anchor: clients are given this file as
            // their CA bundle, so it is marked as a CA that can sign nothing below it.
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames([
                .dnsName("localhost"),
                .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                .ipAddress(ASN1OctetString(contentBytes: ArraySlice(loopbackV6))),
            ])
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(365 * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key))
        return (try certificate.serializeAsPEM().pemString, key.pemRepresentation)
    }
}
