import Bounces
import Crypto
import EnvoiCore
import Foundation
import Testing

@Suite("VERP return paths")
struct ReturnPathTests {
    let returnPath = ReturnPath(domain: "Bounces.Example.NET", masterKey: SymmetricKey(data: Data(repeating: 7, count: 32)))
    let queueID = "ocid1.emailmessage.envoi..abcdefghijklmnopqrstuvwxyz234567"

    func address(_ recipient: String) throws -> EmailAddress {
        let text = try #require(returnPath.address(queueID: queueID, recipient: recipient))
        return try #require(EmailAddress(text))
    }

    @Test func anAddressNamesTheMessageAndOnlyItsOwnRecipient() throws {
        let address = try address("Alice@example.org")
        #expect(address.domain == "bounces.example.net")
        #expect(address.localPart.hasPrefix("bounces+abcdefghijklmnopqrstuvwxyz234567-"))
        #expect(address.localPart.utf8.count <= EmailAddress.maximumLocalPartLength)
        let token = try #require(returnPath.token(of: address))
        #expect(token.queueID == queueID)
        // The tag binds the recipient: the suppression list's lower-cased form matches too.
        #expect(returnPath.recipient(of: token, among: ["bob@example.org", "alice@example.org"]) == "alice@example.org")
        #expect(returnPath.recipient(of: token, among: ["bob@example.org", "carol@example.org"]) == nil)
    }

    @Test func aTokenSurvivesAnMTAThatUpperCasesTheLocalPart() throws {
        let address = try address("alice@example.org")
        let shouted = try #require(EmailAddress(address.localPart.uppercased() + "@BOUNCES.EXAMPLE.NET"))
        let token = try #require(returnPath.token(of: shouted))
        #expect(returnPath.recipient(of: token, among: ["alice@example.org"]) == "alice@example.org")
    }

    @Test func aForgedOrAlteredTagMatchesNobody() throws {
        let address = try address("alice@example.org")
        var local = Array(address.localPart)
        local[local.count - 1] = local.last == "a" ? "b" : "a"
        let altered = try #require(EmailAddress(String(local) + "@bounces.example.net"))
        let token = try #require(returnPath.token(of: altered))
        #expect(returnPath.recipient(of: token, among: ["alice@example.org"]) == nil)
        // The same message and recipient under another key (another data directory): no match.
        let other = ReturnPath(domain: "bounces.example.net", masterKey: SymmetricKey(data: Data(repeating: 8, count: 32)))
        let otherToken = try #require(other.token(of: address))
        #expect(other.recipient(of: otherToken, among: ["alice@example.org"]) == nil)
    }

    @Test("malformed return paths decode to nothing", arguments: [
        "bounces+abcdefghijklmnopqrstuvwxyz234567-aaaaaaaaaaaaaaaa@elsewhere.example.net",
        "bounce+abcdefghijklmnopqrstuvwxyz234567-aaaaaaaaaaaaaaaa@bounces.example.net",
        "bounces+abcdefghijklmnopqrstuvwxyz23456-aaaaaaaaaaaaaaaa@bounces.example.net",
        "bounces+abcdefghijklmnopqrstuvwxyz234567-aaaaaaaaaaaaaaa@bounces.example.net",
        "bounces+abcdefghijklmnopqrstuvwxyz234567-aaaaaaaaaaaaaaa1@bounces.example.net",
        "bounces+abcdefghijklmnopqrstuvwxyz234567aaaaaaaaaaaaaaaa@bounces.example.net",
        "bounces+abcdefghijklmnopqrstuvwxyz234567-aaaa-aaaaaaaaaaaa@bounces.example.net",
        "postmaster@bounces.example.net",
    ])
    func malformed(text: String) throws {
        #expect(returnPath.token(of: try #require(EmailAddress(text))) == nil)
    }

    @Test func aQueueIDEnvoiDidNotMakeGetsNoReturnPath() {
        #expect(returnPath.address(queueID: "ocid1.emailmessage.envoi..short", recipient: "a@example.org") == nil)
        #expect(returnPath.address(queueID: "queue-1", recipient: "a@example.org") == nil)
    }

    @Test func returnPathsDifferPerRecipientAndAreStable() throws {
        #expect(try address("a@example.org") == address("a@example.org"))
        #expect(try address("a@example.org") != address("b@example.org"))
    }
}
