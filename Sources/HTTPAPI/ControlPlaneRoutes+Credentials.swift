import EnvoiCore
import Hummingbird

/// The Identity subset (`/20160918/users/{userId}/smtpCredentials`, spec/OCI-API.md §6): enough
/// for `oci iam smtp-credential create|list|delete`. Users manage their own credentials; an
/// administrator (`manage` in the tenancy) manages anyone's.
extension ControlPlaneRoutes {
    struct CreateSmtpCredentialDetails: Decodable {
        var description: String?
    }

    func registerCredentials(on router: Router<APIRequestContext>) {
        router.post("/20160918/users/:userId/smtpCredentials") { request, context in
            let user = try credentialOwner(context)
            let claim = try Self.retryClaim(request, context)
            if let replay = try await replayed(claim) { return replay }
            let details = try JSONCoding.decode(CreateSmtpCredentialDetails.self, from: context.body)
            let description = try Self.requiredAttribute(details.description, "description")
            // The only answer that carries the password; it is never stored in clear, and shown
            // again only to a retry of the same request by the same caller (sealed in the ledger).
            return try await hidingMissingUser {
                try await backend.createCredential(user: user, description: description, answering: Answering(claim) { created in
                    try Self.answer(SmtpCredentialJSON(created.0, password: created.password))
                })
            }.response
        }
        router.get("/20160918/users/:userId/smtpCredentials") { _, context in
            let user = try credentialOwner(context)
            let credentials = try await hidingMissingUser { try await backend.credentials(user: user) }
            return try Self.list(credentials.map { SmtpCredentialJSON($0) }, nextOffset: nil, bare: true)
        }
        router.delete("/20160918/users/:userId/smtpCredentials/:smtpCredentialId") { request, context in
            let user = try credentialOwner(context)
            let id = try Self.pathID(context, "smtpCredentialId", .credential)
            let credential = try await hidingMissingUser { try await backend.credential(id) }
            guard credential.userId == user else { throw APIError.notAuthorizedOrNotFound(Self.hiddenMessage) }
            try Self.checkIfMatch(request, etag: try Self.etag(SmtpCredentialJSON(credential)))
            try await backend.deleteCredential(id)
            return JSONCoding.empty()
        }
    }

    /// The user in the path, when the caller may manage that user's credentials.
    private func credentialOwner(_ context: APIRequestContext) throws -> OCID {
        let user = try Self.pathID(context, "userId", .user)
        guard try context.requireCaller().mayManageCredentials(of: user) else { throw APIError.notAuthorizedOrNotFound(Self.hiddenMessage) }
        return user
    }

    /// Runs `body`, answering a missing user or credential with the hidden 404.
    private func hidingMissingUser<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ControlPlaneError where error.code == .notFound {
            throw APIError.notAuthorizedOrNotFound(Self.hiddenMessage)
        }
    }
}
