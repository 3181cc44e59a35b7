import EnvoiCore
import Foundation
import Testing

/// EnvoiIntake's one `StoreIntake` over each backend's `IntakeStore`: the same answers to AUTH,
/// MAIL FROM, RCPT TO and the final dot whichever database holds the control plane and queue.
/// Bounded in time: an intake or writer that never answered would otherwise hang the run.
@Suite(.timeLimit(.minutes(1))) struct IntakeContractTests {
    @Test(arguments: StoreBackend.allCases)
    func onlyTheRightPasswordOfAnExistingCredentialAuthenticates(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let (username, password) = try await store.addSmtpCredential()
            try await store.withIntake { intake in
                #expect(await intake.authenticate(username: username, password: password) == .authenticated(Submitter(userId: store.submitter)))
                #expect(await intake.authenticate(username: username, password: password + "x") == .rejected)
                #expect(await intake.authenticate(username: "nobody", password: password) == .rejected)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func onlyAnApprovedEnvelopeSenderIsAccepted(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.approveSender("a@example.com")
            let submitter = Submitter(userId: store.submitter)
            try await store.withIntake { intake in
                #expect(await intake.checkEnvelopeSender(EmailAddress("a@example.com")!, for: submitter) == nil)
                #expect(await intake.checkEnvelopeSender(EmailAddress("b@example.com")!, for: submitter)
                    == .senderNotAuthorized(address: "b@example.com", .notApproved("b@example.com")))
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func authorisationReadsSendersPoliciesAndGroupsFromTheStore(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let marketing = try await store.addCompartment("Marketing")
            _ = try await store.identity.createSender(email: "news@example.com", compartment: marketing, tags: .none)
            let user = try await store.addUser("app")
            try await store.addGroup("Senders", members: [user])
            let intake = try store.intakeStore()
            let address = EmailAddress("news@example.com")!
            var (authorization, groups) = try await intake.sendAuthorization(for: user)
            #expect(authorization.authorize(groups: groups, envelopeSender: address) == .denied(.notPermitted("news@example.com")))
            try await store.addPolicy("senders", statements: ["Allow group Senders to use email-family in compartment Marketing"])
            (authorization, groups) = try await intake.sendAuthorization(for: user)
            guard case .allowed(let sender) = authorization.authorize(groups: groups, envelopeSender: address) else {
                Issue.record("expected allowed")
                return
            }
            #expect(sender.compartmentId == marketing)
            // The submitter is in Administrators, which may use email in the whole tenancy.
            let admin = try await intake.sendAuthorization(for: store.submitter)
            if case .denied = admin.0.authorize(groups: admin.groups, envelopeSender: address) { Issue.record("admin should be allowed") }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aSuppressedRecipientIsSuppressedAndAnotherAccepted(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            _ = try await store.addSuppression(email: "s@example.org")
            let submitter = Submitter(userId: store.submitter)
            try await store.withIntake { intake in
                #expect(await intake.checkRecipient(EmailAddress("s@example.org")!, acceptedSoFar: 0, for: submitter) == .suppressed)
                #expect(await intake.checkRecipient(EmailAddress("x@example.org")!, acceptedSoFar: 0, for: submitter) == .accepted)
            }
        }
    }

    /// Concurrent lookups go in batches of several addresses (`BatchedLookup`): each still gets
    /// its own address's answer, whatever its case.
    @Test(arguments: StoreBackend.allCases)
    func concurrentSuppressionLookupsEachGetTheirOwnAnswer(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            for index in stride(from: 0, to: 40, by: 3) { _ = try await store.addSuppression(email: "r\(index)@example.org") }
            let intake = try store.intakeStore()
            try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<40 {
                    let address = index % 2 == 0 ? "r\(index)@example.org" : "R\(index)@Example.ORG"
                    group.addTask { (index, try await intake.isSuppressed(email: address)) }
                }
                var answered = 0
                for try await (index, suppressed) in group {
                    #expect(suppressed == (index % 3 == 0), "r\(index)")
                    answered += 1
                }
                #expect(answered == 40)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aSubmissionFromAnApprovedSenderIsQueuedAndClaimable(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            try await store.approveSender("a@example.com")
            var result: SubmissionResult?
            try await store.withIntake { intake in
                result = await intake.submit(Self.submission(from: store, body: ContractMessage.body))
            }
            guard case .queued(let id, let messageID) = result else {
                Issue.record("not queued: \(String(describing: result))")
                return
            }
            #expect(messageID == ContractMessage.messageID)
            let jobs = try await store.queue.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60)
            #expect(jobs.map(\.queueID) == [id])
            #expect(jobs.first?.recipients == ["x@example.org"])
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aSubmissionWhoseHeaderFromIsNotApprovedIsRefusedAndQueuesNothing(backend: StoreBackend) async throws {
        let clock = TestClock()
        try await backend.withStore(clock: clock) { store in
            try await store.approveSender("a@example.com")
            let body = Array("From: other@example.com\r\nMessage-ID: <m2@example.com>\r\n\r\nhi\r\n".utf8)
            var result: SubmissionResult?
            try await store.withIntake { intake in
                result = await intake.submit(Self.submission(from: store, body: body))
            }
            #expect(result == .refused(.senderNotAuthorized(address: "other@example.com", .notApproved("other@example.com"))))
            #expect(try await store.queue.claimDueDeliveries(now: clock.now(), limit: 10, lease: 60).isEmpty)
        }
    }

    /// The early answer at MAIL FROM and RCPT TO sees the usage the commit charged: SQLite's from
    /// the writer's windows, PostgreSQL's from `send_usage`. A clock that stands still keeps both
    /// in one minute.
    @Test(arguments: StoreBackend.allCases)
    func onceThePerMinuteLimitIsUsedMailFromAndRcptToAreRefusedEarly(backend: StoreBackend) async throws {
        try await backend.withStore(clock: TestClock(step: 0)) { store in
            try await store.approveSender("a@example.com")
            try await store.setPerMinuteLimit(1)
            let submitter = Submitter(userId: store.submitter)
            try await store.withIntake { intake in
                #expect(await intake.checkEnvelopeSender(EmailAddress("a@example.com")!, for: submitter) == nil)
                guard case .queued = await intake.submit(Self.submission(from: store, body: ContractMessage.body)) else {
                    Issue.record("the first message was not queued")
                    return
                }
                #expect(await intake.checkEnvelopeSender(EmailAddress("a@example.com")!, for: submitter)
                    == .limitReached(.perMinute(limit: 1)))
                #expect(await intake.checkRecipient(EmailAddress("x@example.org")!, acceptedSoFar: 0, for: submitter)
                    == .refused(.limitReached(.perMinute(limit: 1))))
            }
        }
    }

    /// An SMTP submission from `a@example.com` to `x@example.org` by the store's submitter.
    static func submission(from store: any ContractStore, body: [UInt8]) -> Submission {
        Submission(submitter: Submitter(userId: store.submitter), source: .smtp, envelopeSender: EmailAddress("a@example.com")!,
                   recipients: [EmailAddress("x@example.org")!], message: body)
    }
}
