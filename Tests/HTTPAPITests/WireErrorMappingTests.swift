import APIWire
@testable import HTTPAPI
import HTTPTypes
import Testing

/// APIWire's refusals reach a client as HTTPAPI's own errors did before the parsers moved: the
/// same status line (reason phrase included), code and message.
@Suite struct WireErrorMappingTests {
    @Test func aSignatureRefusalIsA401WithItsMessage() {
        do {
            _ = try AuthorizationHeader.parse("Bearer abc")
            Issue.record("accepted a Bearer header")
        } catch {
            let refusal = APIError(error)
            #expect(refusal == .notAuthenticated("Missing signature: the Authorization header must use the Signature scheme"))
            #expect(refusal.status.reasonPhrase == HTTPResponse.Status.unauthorized.reasonPhrase)
        }
    }

    @Test func aSubmitEmailRefusalIsA400WithItsMessage() {
        guard case .failure(let error) = SubmitEmail.compose([]) else {
            Issue.record("accepted an empty body")
            return
        }
        let refusal = APIError(error)
        #expect(refusal == .invalid("The request body is empty: a JSON object is required"))
        #expect(refusal.status.reasonPhrase == HTTPResponse.Status.badRequest.reasonPhrase)
        guard case .failure(let missing) = SubmitEmail.compose(Array("{}".utf8)) else {
            Issue.record("accepted {}")
            return
        }
        #expect(APIError(missing) == .missing("Required attribute sender cannot be empty or null"))
    }
}
