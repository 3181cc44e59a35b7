import Testing
@testable import MailMessage

@Suite("Reading address fields (RFC 5322 §3.4)")
struct AddressListParserTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let value: String
        let expected: [(name: String?, address: String)]
        var testDescription: String { value }
    }

    static let cases: [Case] = [
        Case(value: "joe@example.com", expected: [(nil, "joe@example.com")]),
        Case(value: "Joe SixPack <joe@football.example.com>", expected: [("Joe SixPack", "joe@football.example.com")]),
        Case(value: "<joe@example.com>", expected: [(nil, "joe@example.com")]),
        Case(value: "\"Doe, John\" <john@example.net>", expected: [("Doe, John", "john@example.net")]),
        Case(value: "\"A \\\"quoted\\\" name\" <a@example.net>", expected: [("A \"quoted\" name", "a@example.net")]),
        Case(value: "John Q. Public <jqp@example.com>", expected: [("John Q. Public", "jqp@example.com")]),
        Case(value: "joe@example.com (Joe the plumber)", expected: [(nil, "joe@example.com")]),
        Case(value: "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
             expected: [("Pete", "pete@silly.test")]),
        Case(value: "A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;",
             expected: [("Ed Jones", "c@a.test"), (nil, "joe@where.test"), ("John", "jdoe@one.test")]),
        Case(value: "undisclosed-recipients:;", expected: []),
        Case(value: "a@example.com,, b@example.com ,", expected: [(nil, "a@example.com"), (nil, "b@example.com")]),
        Case(value: "=?UTF-8?Q?Zo=C3=AB?= =?UTF-8?Q?_Martin?= <zoe@example.fr>", expected: [("Zoë Martin", "zoe@example.fr")]),
        Case(value: "=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
             expected: [("André Pirard", "PIRARD@vm1.ulg.ac.be")]),
        Case(value: "Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>",
             expected: [("Mary Smith", "mary@x.test"), (nil, "jdoe@example.org"), ("Who?", "one@y.test")]),
        Case(value: "<@route.test,@other.test:joe@example.com>", expected: [(nil, "joe@example.com")]),
        Case(value: "\"quoted local\"@example.com", expected: [(nil, "\"quoted local\"@example.com")]),
        Case(value: "Joe <joe@[192.0.2.1]>", expected: [("Joe", "joe@[192.0.2.1]")]),
        Case(value: "Joe\r\n <joe@example.com>", expected: [("Joe", "joe@example.com")]),
    ]

    @Test("reads display names, quoted strings, groups and comments", arguments: cases)
    func reads(testCase: Case) throws {
        let mailboxes = try AddressListParser.parse(Array(testCase.value.utf8))
        #expect(mailboxes.map(\.displayName) == testCase.expected.map(\.name))
        #expect(mailboxes.map(\.address.description) == testCase.expected.map(\.address))
    }

    @Test("refuses what is not an address, naming it", arguments: [
        ("Joe", "Joe"),
        ("joe@", "joe@"),
        ("Joe <joe@example.com", "Joe <joe@example.com"),
        ("Joe <joe@example.com> trailing", "Joe <joe@example.com> trailing"),
        ("a@b.example, not-an-address", "not-an-address"),
        ("<a b@example.com>", "a b@example.com"),
        ("Joe <exa mple.com@example.com>", "exa mple.com@example.com"),
    ])
    func refuses(value: String, offending: String) {
        #expect(throws: MailMessageError.invalidAddress(offending)) {
            try AddressListParser.parse(Array(value.utf8))
        }
    }

    @Test("unterminated quotes and comments are refused")
    func unterminated() {
        #expect(throws: MailMessageError.self) { try AddressListParser.parse(Array("\"Joe <j@example.com>".utf8)) }
        #expect(throws: MailMessageError.self) { try AddressListParser.parse(Array("j@example.com (open".utf8)) }
    }

    @Test("non-ASCII addresses only with SMTPUTF8")
    func utf8Addresses() throws {
        let value = Array("Jörg <jörg@bücher.example>".utf8)
        #expect(throws: MailMessageError.self) { try AddressListParser.parse(value) }
        let mailboxes = try AddressListParser.parse(value, allowUTF8: true)
        #expect(mailboxes.first?.address.description == "jörg@bücher.example")
        #expect(mailboxes.first?.displayName == "Jörg")
    }
}
