import Testing
@testable import MailMessage

@Suite("Custom header fields of HTTPS submissions (BEHAVIOUR §2)")
struct CustomHeaderTests {
    @Test("accepts ordinary custom fields", arguments: [
        ("X-Campaign", "spring-2024"), ("List-Unsubscribe", "<mailto:u@example.com>"),
        ("In-Reply-To", "<a@b>"), ("X-Unicode", "café ✓"), ("X-Empty", ""),
    ])
    func accepts(name: String, value: String) {
        let header = CustomHeader.validate(name: name, value: value).header
        #expect(header?.name == name)
        #expect(header?.value == value)
    }

    @Test("refuses reserved names in any case, naming them as given", arguments: CustomHeader.reservedNames
        + ["from", "SUBJECT", "message-id", "dkim-signature", "bcc", "content-type"])
    func refusesReserved(name: String) {
        #expect(CustomHeader.validate(name: name, value: "x") == .invalid(.reservedName(name)))
    }

    @Test("the reserved list holds what the brief and BEHAVIOUR §2 name")
    func reservedList() {
        let expected: Set = ["from", "to", "cc", "bcc", "subject", "date", "message-id", "dkim-signature",
                             "received", "return-path", "sender", "reply-to", "mime-version", "content-type",
                             "content-transfer-encoding"]
        #expect(Set(CustomHeader.reservedNames.map { $0.lowercased() }) == expected)
        #expect(CustomHeader.isReserved("Reply-TO"))
        #expect(!CustomHeader.isReserved("X-From"))
    }

    @Test("refuses bad names and values, each with its reason", arguments: [
        ("", "v", CustomHeader.Problem.emptyName),
        ("   ", "v", .emptyName),
        ("X-Fünf", "v", .nonASCIIName("X-Fünf")),
        ("X Space", "v", .malformedName("X Space")),
        ("X:Colon", "v", .malformedName("X:Colon")),
        ("X-Tab\t", "v", .malformedName("X-Tab\t")),
        ("X-Inject", "a\r\nBcc: victim@example.com", .lineBreakInValue(name: "X-Inject")),
        ("X-Inject", "a\nb", .lineBreakInValue(name: "X-Inject")),
        ("X-Inject", "a\rb", .lineBreakInValue(name: "X-Inject")),
        ("Fröm", "v", .nonASCIIName("Fröm")),
    ])
    func refuses(name: String, value: String, problem: CustomHeader.Problem) {
        let result = CustomHeader.validate(name: name, value: value)
        #expect(result.problem == problem)
        #expect(result.header == nil)
    }
}
