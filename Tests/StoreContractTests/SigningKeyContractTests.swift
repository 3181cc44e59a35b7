import EnvoiCore
import Foundation
import Testing

/// The DKIM key the delivery pipeline signs with (`DeliveryQueueStore.activeSigningKey`), the
/// same assertions on every backend.
@Suite struct SigningKeyContractTests {
    /// A private key's PEM form: several lines, so that a round trip that loses line ends fails.
    static let pem = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDsecretmaterial
        bm90IGEgcmVhbCBrZXk=
        -----END PRIVATE KEY-----

        """

    @Test(arguments: StoreBackend.allCases)
    func aDomainWithoutAnActiveKeySignsNothing(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.queue.activeSigningKey(domain: "example.com") == nil, "no such domain")
            _ = try await store.addEmailDomain("example.com")
            #expect(try await store.queue.activeSigningKey(domain: "example.com") == nil, "a domain without keys")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theActiveKeyComesBackWithItsSelectorAndPrivateKey(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let domain = try await store.addEmailDomain("example.com")
            try await store.addDkimKey(domain: domain, selector: "s1", state: .active, privateKeyPEM: Self.pem)
            let key = try #require(try await store.queue.activeSigningKey(domain: "Example.COM"), "the domain in any case")
            #expect(key.selector == "s1")
            #expect(key.privateKeyPEM == Self.pem, "the PEM opens from its sealed form byte for byte")
            #expect(try await store.queue.activeSigningKey(domain: "example.net") == nil, "another domain's key is not this one's")
        }
    }

    @Test(arguments: StoreBackend.allCases.flatMap { backend in
        [DkimLifecycleState.creating, .needsAttention, .inactive, .failed].map { (backend, $0) }
    })
    func aKeyThatIsNotActiveIsIgnored(backend: StoreBackend, state: DkimLifecycleState) async throws {
        try await backend.withStore { store in
            let domain = try await store.addEmailDomain("example.com")
            try await store.addDkimKey(domain: domain, selector: "old", state: state, privateKeyPEM: "not this one")
            #expect(try await store.queue.activeSigningKey(domain: "example.com") == nil, "\(state.rawValue) does not sign")
            try await store.addDkimKey(domain: domain, selector: "new", state: .active, privateKeyPEM: Self.pem)
            let key = try #require(try await store.queue.activeSigningKey(domain: "example.com"))
            #expect(key.selector == "new" && key.privateKeyPEM == Self.pem, "the ACTIVE one of the two")
        }
    }
}
