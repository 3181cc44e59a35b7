import EnvoiCore
import Foundation
import Testing

/// EnvoiCore's `CredentialStore` (SMTP credentials, as the HTTPS API drives them) and its retry
/// tokens, the same assertions on every backend. Bounded in time: each credential costs the full
/// PBKDF2 rounds to make and to check.
@Suite(.timeLimit(.minutes(2))) struct CredentialContractTests {
    /// The answer the API would give: the credential's id and its password.
    static func answering(_ claim: RetryClaim?) -> Answering<(SmtpCredential, password: String)> {
        Answering(claim) { outcome in RecordedAnswer(status: 200, body: "\(outcome.0.id) \(outcome.password)", etag: "e-\(outcome.0.id)") }
    }

    /// The credential id and password of an answer made by `answering`.
    static func parts(_ answer: RecordedAnswer) throws -> (id: OCID, password: String) {
        let parts = answer.body.split(separator: " ").map(String.init)
        guard parts.count == 2, let id = OCID(parts[0]) else { throw ContractTestError("unexpected answer \(answer.body)") }
        return (id, parts[1])
    }

    @Test(arguments: StoreBackend.allCases)
    func aCreatedCredentialIsListedAndItsPasswordAuthenticatesAtTheIntake(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let answer = try await identity.createCredential(user: store.submitter, description: "relay", answering: Self.answering(nil))
            let (id, password) = try Self.parts(answer)
            let credential = try await identity.credential(id)
            #expect(credential.userId == store.submitter && credential.username == id.rawValue && credential.description == "relay")
            #expect(credential.lifecycleState == .active && credential.timeExpires == nil)
            #expect(try await identity.credentials(user: store.submitter) == [credential])
            #expect(password.count == 32)
            try await store.withIntake { intake in
                #expect(await intake.authenticate(username: credential.username, password: password)
                    == .authenticated(Submitter(userId: store.submitter)))
                #expect(await intake.authenticate(username: credential.username, password: "wrong") == .rejected)
            }
            try await identity.deleteCredential(id)
            #expect(try await identity.credentials(user: store.submitter).isEmpty)
            await #expect(throws: ControlPlaneError.notFound(.credential, id.rawValue)) { _ = try await identity.credential(id) }
            await #expect(throws: ControlPlaneError.notFound(.credential, id.rawValue)) { try await identity.deleteCredential(id) }
            try await store.withIntake { intake in
                #expect(await intake.authenticate(username: credential.username, password: password) == .rejected, "deleted: no longer")
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aRetryGetsTheRecordedAnswerAndAnotherRequestUnderTheTokenAConflict(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let claim = RetryClaim(user: store.submitter, token: RetryToken("token-1")!, request: "POST /credentials a")
            let first = try await identity.createCredential(user: store.submitter, description: "a", answering: Self.answering(claim))
            let retry = try await identity.createCredential(user: store.submitter, description: "a", answering: Self.answering(claim))
            #expect(retry == first, "the same answer, password included")
            #expect(try await identity.state(of: claim) == .answered(first))
            #expect(try await identity.credentials(user: store.submitter).map(\.id) == [try Self.parts(first).id], "created once")

            let other = RetryClaim(user: store.submitter, token: claim.token, request: "POST /credentials b")
            #expect(try await identity.state(of: other) == .conflicting)
            await #expect(throws: RetryClaim.reused) {
                _ = try await identity.createCredential(user: store.submitter, description: "b", answering: Self.answering(other))
            }
            #expect(try await identity.credentials(user: store.submitter).count == 1, "the conflicting request created nothing")
            let fresh = RetryClaim(user: store.submitter, token: RetryToken("token-2")!, request: "POST /credentials b")
            #expect(try await identity.state(of: fresh) == .unused)
        }
    }

    /// Two retries racing (a client that timed out and retried at once, or two nodes) perform
    /// the operation once: the claim is taken in the operation's own transaction.
    @Test(arguments: StoreBackend.allCases)
    func concurrentRetriesUnderOneTokenCreateOneCredential(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let user = store.submitter
            let claim = RetryClaim(user: user, token: RetryToken("race")!, request: "POST /credentials race")
            async let first = identity.createCredential(user: user, description: "race", answering: Self.answering(claim))
            async let second = identity.createCredential(user: user, description: "race", answering: Self.answering(claim))
            let answers = try await [first, second]
            #expect(answers[0] == answers[1])
            #expect(try await identity.credentials(user: user).map(\.id) == [try Self.parts(answers[0]).id])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aUserHasAtMostTwoCredentialsAndAnUnknownUserNone(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            for description in ["one", "two"] {
                _ = try await identity.createCredential(user: store.submitter, description: description, answering: Self.answering(nil))
            }
            await #expect(throws: ControlPlaneError.limit("user already has 2 SMTP credentials (the maximum); delete one first")) {
                _ = try await identity.createCredential(user: store.submitter, description: "three", answering: Self.answering(nil))
            }
            #expect(try await identity.credentials(user: store.submitter).map(\.description) == ["one", "two"], "oldest first")
            let nobody = OCID.generate(.user)
            await #expect(throws: ControlPlaneError.notFound(.user, nobody.rawValue)) {
                _ = try await identity.createCredential(user: nobody, description: "", answering: Self.answering(nil))
            }
            await #expect(throws: ControlPlaneError.notFound(.user, nobody.rawValue)) { _ = try await identity.credentials(user: nobody) }
        }
    }
}
