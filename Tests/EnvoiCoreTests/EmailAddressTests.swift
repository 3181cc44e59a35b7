import Foundation
import EnvoiCore
import Testing

@Suite struct EmailAddressTests {
    @Test("valid RFC 5321 mailboxes parse, with the domain lower-cased", arguments: [
        ("user@example.com", "user@example.com"),
        ("User.Name+tag@Example.COM", "User.Name+tag@example.com"),
        ("a@b.c", "a@b.c"),
        ("\"quoted local\"@example.org", "\"quoted local\"@example.org"),
        ("\"a\\\"b\"@example.org", "\"a\\\"b\"@example.org"),
        ("postmaster@localhost", "postmaster@localhost"),
        ("user@[192.0.2.1]", "user@[192.0.2.1]"),
        ("user@[IPv6:2001:db8::1]", "user@[ipv6:2001:db8::1]"),
        ("!#$%&'*+-/=?^_`{|}~@example.com", "!#$%&'*+-/=?^_`{|}~@example.com"),
    ])
    func valid(input: String, expected: String) throws {
        let address = try #require(EmailAddress(input))
        #expect(address.description == expected)
    }

    @Test("malformed mailboxes are refused", arguments: [
        "", "plain", "@example.com", "user@", "user@@example.com", ".user@example.com", "user.@example.com",
        "us..er@example.com", "user name@example.com", "user@exa mple.com", "user@-example.com", "user@example-.com",
        "user@example..com", "<user@example.com>", "user@[300.1.1.1]", "user@[1.2.3]", "\"unterminated@example.com",
        "user@exam_ple.com", "usér@example.com", "user@example.com\r\n",
        String(repeating: "a", count: 65) + "@example.com",
        "a@" + String(repeating: "b", count: 64) + ".com",
    ])
    func invalid(input: String) {
        #expect(EmailAddress(input) == nil)
    }

    @Test func utf8IsAllowedOnlyWithSMTPUTF8() {
        #expect(EmailAddress("usér@exämple.com") == nil)
        #expect(EmailAddress("usér@exämple.com", allowUTF8: true)?.description == "usér@exämple.com")
    }

    @Test func normalizedLowerCasesTheWholeAddress() {
        #expect(EmailAddress("John.Doe@Example.com")?.normalized == "john.doe@example.com")
    }

    @Test func domainNamesAreChecked() {
        #expect(DomainName("Example.COM.")?.value == "example.com")
        #expect(DomainName("example.com")?.isFullyQualified == true)
        #expect(DomainName("localhost")?.isFullyQualified == false)
        #expect(DomainName("1.2.3.4")?.isFullyQualified == false)
        #expect(DomainName("a." + String(repeating: "b", count: 64)) == nil)
        #expect(DomainName("mail.example.com")!.isWithin(DomainName("example.com")!))
        #expect(!DomainName("badexample.com")!.isWithin(DomainName("example.com")!))
    }
}

@Suite struct OCIDTests {
    @Test func generatedIdsHaveTheCloudShape() throws {
        let id = OCID.generate(.sender)
        #expect(id.rawValue.hasPrefix("ocid1.emailsender.envoi.."))
        // The cloud SDK wants five or more '.'-separated segments.
        #expect(id.rawValue.split(separator: ".", omittingEmptySubsequences: false).count == 5)
        #expect(OCID(id.rawValue, type: .sender) == id)
        #expect(OCID(id.rawValue, type: .user) == nil)
        #expect(id.type == .sender)
        #expect(OCID.generate(.sender) != id)
    }

    @Test func generatedIdsAreOrderedByCreationTime() throws {
        let first = OCID.generate(.message, at: Date(timeIntervalSince1970: 1_764_000_000))
        let second = OCID.generate(.message, at: Date(timeIntervalSince1970: 1_764_000_000.002))
        let later = OCID.generate(.message, at: Date(timeIntervalSince1970: 1_900_000_000))
        #expect(first < second && second < later)
        for id in [first, second, later] { #expect(OCID(id.rawValue, type: .message) == id) }
        // Same millisecond: the same 10-character time prefix, then 22 random characters.
        let unique = { (id: OCID) in id.rawValue.split(separator: ".", omittingEmptySubsequences: false)[4] }
        let twin = OCID.generate(.message, at: Date(timeIntervalSince1970: 1_764_000_000))
        #expect(unique(first).count == 32 && unique(first).prefix(10) == unique(twin).prefix(10))
        #expect(unique(first).suffix(22) != unique(twin).suffix(22))
    }

    @Test("malformed ids are refused", arguments: [
        "", "ocid1", "ocid1.user.envoi.abc12345", "ocid1.user.oc1..abcdefgh", "ocid1.nosuch.envoi..abcdefgh",
        "ocid1.user.envoi..ABCDEFGH", "ocid1.user.envoi..abc", "ocid2.user.envoi..abcdefgh",
    ])
    func invalid(text: String) {
        #expect(OCID(text) == nil)
    }
}
