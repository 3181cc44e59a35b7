import _CryptoExtras
import EnvoiCore
import EnvoiSecrets
import Foundation
import Testing

/// EnvoiCore's `CallerDirectory`, `TenancyDirectory` and `SubmissionLedger` (who an HTTPS caller
/// is and what they may do), and the API key registry behind them, the same assertions on every
/// backend.
@Suite struct CallerDirectoryContractTests {
    /// Four 2048-bit keys (one more than a user may register), made once for every case.
    static let keys: [_RSA.Signing.PrivateKey] = (0..<4).map { _ in try! _RSA.Signing.PrivateKey(keySize: .bits2048) }

    @Test(arguments: StoreBackend.allCases)
    func theRegisteredKeyIsFoundOnlyForItsTenancyUserAndFingerprint(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let tenancy = try await identity.tenancyID()
            let publicKey = Self.keys[0].publicKey
            let added = try await store.addApiKey(publicKeyPEM: publicKey.pemRepresentation)
            #expect(added.userId == store.submitter && added.lifecycleState == .active && added.id.type == .apiKey)
            #expect(added.fingerprint == ApiPublicKey.fingerprint(of: publicKey))
            #expect(added.fingerprint.split(separator: ":").count == 16)
            #expect(try await store.apiKeys() == [added])

            let found = try await identity.signingKey(tenancy: tenancy, user: store.submitter, fingerprint: added.fingerprint)
            #expect(found == publicKey.pemRepresentation)
            #expect(try await identity.signingKey(tenancy: .generate(.tenancy), user: store.submitter, fingerprint: added.fingerprint) == nil)
            #expect(try await identity.signingKey(tenancy: tenancy, user: .generate(.user), fingerprint: added.fingerprint) == nil)
            let otherFingerprint = ApiPublicKey.fingerprint(of: Self.keys[1].publicKey)
            #expect(try await identity.signingKey(tenancy: tenancy, user: store.submitter, fingerprint: otherFingerprint) == nil)

            try await store.deleteApiKey(added.id)
            #expect(try await identity.signingKey(tenancy: tenancy, user: store.submitter, fingerprint: added.fingerprint) == nil)
            #expect(try await store.apiKeys().isEmpty)
            await #expect(throws: ControlPlaneError.notFound(.apiKey, added.id.rawValue)) { try await store.deleteApiKey(added.id) }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aUserHasAtMostThreeDistinctKeysOfAtLeast2048Bits(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var added: [ApiKey] = []
            for key in Self.keys.prefix(3) { added.append(try await store.addApiKey(publicKeyPEM: key.publicKey.pemRepresentation)) }
            #expect(try await store.apiKeys() == added, "oldest first")
            await #expect(throws: ControlPlaneError.limit("user already has 3 API keys (the maximum); delete one first")) {
                _ = try await store.addApiKey(publicKeyPEM: Self.keys[3].publicKey.pemRepresentation)
            }
            try await store.deleteApiKey(added[2].id)
            await #expect(throws: ControlPlaneError.conflict("the user already has the API key \(added[0].fingerprint)")) {
                _ = try await store.addApiKey(publicKeyPEM: Self.keys[0].publicKey.pemRepresentation)
            }
            let small = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: 1024))
            // swift-crypto itself refuses to parse a key under 2048 bits, so either refusal may be the one given.
            let refused = await controlPlaneError { _ = try await store.addApiKey(publicKeyPEM: small.publicKey.pemRepresentation) }
            #expect(refused?.code == .invalidParameter && refused?.message.hasPrefix("public-key: ") == true, "a 1024-bit key")
            await #expect(throws: ControlPlaneError.invalid(field: "public-key", "not an RSA public key in PEM form")) {
                _ = try await store.addApiKey(publicKeyPEM: "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")
            }
            #expect(try await store.apiKeys().count == 2)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func accessReflectsTheAdministratorsPolicyInEveryCompartment(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let tenancy = try await identity.tenancyID()
            let child = try await store.addCompartment("child")
            let admin = try await identity.access(for: store.submitter)
            #expect(admin.user == store.submitter && admin.tenancy == tenancy)
            #expect(admin.groups.map(\.name) == [ControlPlaneDefaults.adminGroupName])
            #expect(admin.permits(.manage, in: tenancy) && admin.permits(.manage, in: child), "'in tenancy' covers every compartment")
            #expect(admin.mayManageCredentials(of: .generate(.user)))

            let stranger = OCID.generate(.user)
            let nobody = try await identity.access(for: stranger)
            #expect(nobody.groups.isEmpty && nobody.tenancy == tenancy)
            #expect(!nobody.permits(.inspect, in: tenancy) && !nobody.permits(.inspect, in: child))
            #expect(nobody.mayManageCredentials(of: stranger) && !nobody.mayManageCredentials(of: store.submitter))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theTenancyAndItsCompartmentsExist(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let tenancy = try await identity.tenancyID()
            #expect(tenancy.type == .tenancy)
            let child = try await store.addCompartment("child")
            #expect(try await identity.compartmentExists(tenancy), "the root compartment is the tenancy")
            #expect(try await identity.compartmentExists(child))
            #expect(try await identity.compartmentExists(.generate(.compartment)) == false)
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aReplayedSubmissionsAnswerIsRecordedForItsUserAndMessageId(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let replay = SubmissionReplay(key: "m1@example.com", response: #"{"envelopeId":"first"}"#)
            let before = Date(timeIntervalSince1970: 1_700_000_000)
            #expect(try await identity.recordedResponse(user: store.submitter, messageId: replay.key, since: before) == nil)
            var results: [SubmissionResult] = []
            try await store.withWriter { commit in
                results.append(await commit(store.contractMessage(recipients: ["x@example.org"], replay: replay)))
                results.append(await commit(store.contractMessage(recipients: ["x@example.org"],
                                                                  replay: SubmissionReplay(key: replay.key, response: "second"))))
            }
            #expect(results.last == .replayed(response: replay.response))
            #expect(try await identity.recordedResponse(user: store.submitter, messageId: replay.key, since: before) == replay.response)
            #expect(try await identity.recordedResponse(user: .generate(.user), messageId: replay.key, since: before) == nil, "another user's")
            #expect(try await identity.recordedResponse(user: store.submitter, messageId: "m2@example.com", since: before) == nil)
            let later = Date(timeIntervalSince1970: 1_900_000_000)
            #expect(try await identity.recordedResponse(user: store.submitter, messageId: replay.key, since: later) == nil, "past the window")
        }
    }
}
