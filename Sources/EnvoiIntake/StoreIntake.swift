import Crypto
import EnvoiCore
import EnvoiSecrets
import Foundation
import MailMessage

/// The `MessageIntake` over any backend's `IntakeStore` (the SQLite store and its queue writer,
/// or PostgreSQL's): the same checks for SMTP and HTTPS submissions, and the same checks on
/// every backend, because there is only this one implementation of them.
public final class StoreIntake: MessageIntake {
    private let store: any IntakeStore
    private let hasher: PasswordHasher
    private let hostname: String
    private let statistics: ServiceStatistics
    private let limits: Locked<SendLimits>
    /// Successful password checks, keyed by credential and a SHA-256 of the password, so that a
    /// client that reconnects does not pay 210,000 PBKDF2 rounds each time. The credential row is
    /// still read on every AUTH, so a deleted credential stops working at once.
    private let verified = Locked<[String: OCID]>([:])
    /// Each user's authorisation snapshot (senders, policies, groups), reused for
    /// `authorizationLifetime`: a session's MAIL FROM and its commit, and concurrent sessions of
    /// one user, read the control plane once between them. A revoked sender or policy takes
    /// effect within that second.
    private let authorizations = Locked<[OCID: (SendAuthorization, [Group], ContinuousClock.Instant)]>([:])
    public static let authorizationLifetime: Duration = .seconds(1)
    private static let verifiedCacheLimit = 10_000

    /// An intake over `store`, starting from `limits` as the store last gave them (the early
    /// answers and EHLO SIZE need limits before the first reload).
    public init(store: any IntakeStore, limits: SendLimits, hostname: String, statistics: ServiceStatistics,
                hasher: PasswordHasher = PasswordHasher()) {
        self.store = store
        self.hostname = hostname
        self.statistics = statistics
        self.hasher = hasher
        self.limits = Locked(limits)
    }

    /// An intake over `store`, with the limits it holds now.
    public convenience init(store: any IntakeStore, hostname: String, statistics: ServiceStatistics,
                            hasher: PasswordHasher = PasswordHasher()) async throws {
        self.init(store: store, limits: try await store.limits(), hostname: hostname, statistics: statistics, hasher: hasher)
    }

    public func currentMaximumMessageSize() -> Int { limits.withLock { $0.maxMessageSize } }

    /// The tenancy's limits as last read (no store access).
    public func currentLimits() -> SendLimits { limits.withLock { $0 } }

    /// Re-reads the limits from the store (so that `envoi limits set` shows while idle too).
    public func reloadLimits() async {
        _ = try? await refreshLimits()
    }

    public func authenticate(username: String, password: String) async -> AuthenticationResult {
        let result = await verify(username: username, password: password)
        if result == .rejected { statistics.record(.authFailures) }
        return result
    }

    private func verify(username: String, password: String) async -> AuthenticationResult {
        let candidate: (credential: OCID, user: OCID, hash: String)?
        do {
            candidate = try await store.credentialForVerification(username: username)
        } catch {
            return .unavailable
        }
        guard let (credential, user, hash) = candidate else {
            _ = await Blocking.run { [hasher] in hasher.verify(password, against: PasswordHasher.decoyHash) }
            return .rejected
        }
        let key = credential.rawValue + ":" + SHA256.hash(data: Data(password.utf8)).hexEncoded()
        if let cached = verified.withLock({ $0[key] }), cached == user { return .authenticated(Submitter(userId: user)) }
        let matches = await Blocking.run { [hasher] in hasher.verify(password, against: hash) }
        guard matches else { return .rejected }
        verified.withLock { cache in
            if cache.count >= Self.verifiedCacheLimit { cache.removeAll() }
            cache[key] = user
        }
        return .authenticated(Submitter(userId: user))
    }

    public func checkEnvelopeSender(_ sender: EmailAddress, for submitter: Submitter) async -> IntakeRefusal? {
        counted(await envelopeSenderRefusal(sender, for: submitter))
    }

    public func checkRecipient(_ recipient: EmailAddress, acceptedSoFar: Int, for submitter: Submitter) async -> RecipientDecision {
        let decision = await recipientDecision(recipient, acceptedSoFar: acceptedSoFar, for: submitter)
        if case .refused(let refusal) = decision { _ = counted(refusal) }
        return decision
    }

    public func submit(_ submission: Submission) async -> SubmissionResult {
        let result = await commit(submission)
        if case .refused(let refusal) = result { _ = counted(refusal) }
        return result
    }

    /// Counts a refusal (an unapproved sender also feeds the auth-failure count) and returns it.
    private func counted(_ refusal: IntakeRefusal?) -> IntakeRefusal? {
        guard let refusal else { return nil }
        statistics.record(.rejected, reason: refusal.reason)
        if case .senderNotAuthorized = refusal { statistics.record(.authFailures) }
        return refusal
    }

    private func envelopeSenderRefusal(_ sender: EmailAddress, for submitter: Submitter) async -> IntakeRefusal? {
        do {
            // The early answer uses the limits as last reloaded (every second); the commit re-reads
            // them in its transaction, so a lowered limit is never exceeded meanwhile.
            let limits = currentLimits()
            if let refusal = try await authorize([sender], for: submitter, compartment: nil) { return refusal }
            return try await store.limitRefusal(adding: 1, limits: limits).map(IntakeRefusal.limitReached)
        } catch {
            return .temporaryFailure
        }
    }

    private func recipientDecision(_ recipient: EmailAddress, acceptedSoFar: Int, for submitter: Submitter) async -> RecipientDecision {
        do {
            if try await store.isSuppressed(email: recipient.description) { return .suppressed }
            let limits = limits.withLock { $0 }
            if let refusal = try await store.limitRefusal(adding: acceptedSoFar + 1, limits: limits) {
                return .refused(.limitReached(refusal))
            }
            return .accepted
        } catch {
            return .refused(.temporaryFailure)
        }
    }

    private func commit(_ submission: Submission) async -> SubmissionResult {
        do {
            // The commit re-checks the limits in its own transaction; the size limit as last read.
            let limits = currentLimits()
            guard submission.message.count <= limits.maxMessageSize else { return .refused(.tooLarge(limit: limits.maxMessageSize)) }
            var submission = submission
            let from: [EmailAddress], messageID: String?
            if let composed = submission.composedHeader {
                // Envoi's own composer wrote this header: nothing to parse or add.
                (from, messageID) = (composed.from, composed.messageID)
            } else {
                guard let parsed = try? ParsedMessage(parsing: submission.message),
                      let mailboxes = try? parsed.header.mailboxes(in: "From"), !mailboxes.isEmpty else {
                    return .refused(.unparsable)
                }
                from = mailboxes.map(\.address)
                messageID = completeHeader(&submission, parsed: parsed)
            }
            if let refusal = try await authorize([submission.envelopeSender] + from, for: submission.submitter,
                                                 compartment: submission.compartment) {
                return .refused(refusal)
            }
            guard !submission.recipients.isEmpty || !submission.suppressedRecipients.isEmpty else { return .refused(.unparsable) }
            return await store.commit(QueuedMessage(queueID: submission.queueID ?? QueuedMessage.makeQueueID(), messageID: messageID,
                                                    submission: submission))
        } catch {
            return .refused(.storageFailure)
        }
    }

    /// The first address that is not an approved sender the submitter may use, as a refusal.
    private func authorize(_ addresses: [EmailAddress], for submitter: Submitter, compartment: OCID?) async throws -> IntakeRefusal? {
        let (authorization, groups) = try await authorization(for: submitter.userId)
        for address in addresses {
            if case .denied(let denial) = authorization.check(address, groups: groups, compartment: compartment) {
                return .senderNotAuthorized(address: denial.address, denial)
            }
        }
        return nil
    }

    /// Adds what a submission server adds when the client left it out (RFC 6409 §8.2, §8.3):
    /// a Message-ID and a Date. Returns the message's Message-ID, without angle brackets.
    private func completeHeader(_ submission: inout Submission, parsed: ParsedMessage) -> String? {
        var added = ""
        var messageID: String?
        if let field = parsed.header.first(named: "Message-ID") {
            let value = field.value.trimmingCharacters(in: .whitespaces)
            messageID = value.hasPrefix("<") && value.hasSuffix(">") ? String(value.dropFirst().dropLast()) : value
        } else {
            let generated = MessageID.generate(domain: submission.envelopeSender.domain)
            added += "Message-ID: \(generated.bracketed)\r\n"
            messageID = generated.value
        }
        if !parsed.header.contains("Date") {
            added += "Date: \(MessageDate(store.now()))\r\n"
        }
        if !added.isEmpty { submission.message = Array(added.utf8) + submission.message }
        return messageID
    }

    private func authorization(for user: OCID) async throws -> (SendAuthorization, [Group]) {
        let now = ContinuousClock.now
        if let (authorization, groups, read) = authorizations.withLock({ $0[user] }), now - read < Self.authorizationLifetime {
            return (authorization, groups)
        }
        let (authorization, groups) = try await store.sendAuthorization(for: user)
        authorizations.withLock { cache in
            if cache.count >= Self.verifiedCacheLimit { cache.removeAll() }
            cache[user] = (authorization, groups, now)
        }
        return (authorization, groups)
    }

    private func refreshLimits() async throws -> SendLimits {
        let current = try await store.limits()
        limits.withLock { $0 = current }
        return current
    }
}
