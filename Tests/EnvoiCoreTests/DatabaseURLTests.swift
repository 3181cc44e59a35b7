import EnvoiCore
import Testing

@Suite struct DatabaseURLTests {
    @Test func aFullURLGivesEveryPart() throws {
        let url = try DatabaseURL.parse("postgres://envoi:p%40ss@db.example.net:6432/mail").get()
        #expect(url.host == "db.example.net" && url.port == 6432 && url.username == "envoi" && url.password == "p@ss" && url.database == "mail")
        #expect(url.description == "postgres://envoi:***@db.example.net:6432/mail")
    }

    @Test func portAndDatabaseDefault() throws {
        let url = try DatabaseURL.parse("postgresql://envoi@db").get()
        #expect(url.port == 5432 && url.database == nil && url.password == nil)
    }

    @Test(arguments: [
        ("mysql://u:secret@h/db", "expected a postgres:// or postgresql:// URL"),
        ("postgres://u:secret@/db", "the URL names no host"),
        ("postgres://:secret@h/db", "the URL names no user"),
        ("postgres://u:secret@h:70000/db", "the port must be from 1 to 65535"),
        ("postgres://u:secret@h/db?sslmode=require", "URL parameters (?…) are not supported"),
        ("postgres://u:secret@h/db/x", "expected one database name after the host"),
    ])
    func malformedURLsNameTheProblemWithoutThePassword(text: String, problem: String) {
        guard case .failure(let error) = DatabaseURL.parse(text) else { Issue.record("accepted \(text)"); return }
        #expect(error.description == problem)
        #expect(ConfigurationKey.database.problem(with: text) == problem)
    }

    @Test(arguments: [
        ("postgres://u:secret@h:5432/db", "postgres://u:***@h:5432/db"),
        ("postgres://u:se:c@r@h/db", "postgres://u:***@h/db"),
        ("postgres://u@h/db", "postgres://u@h/db"),
        ("not a url", "not a url"),
    ])
    func maskingHidesOnlyThePassword(text: String, masked: String) {
        #expect(DatabaseURL.masking(text) == masked)
        #expect(ConfigurationKey.database.displayValue(text) == masked)
    }
}
