import EnvoiCore
import Foundation
import Testing

@Suite struct PolicyStatementTests {
    @Test func parsesGroupVerbResourceAndLocation() throws {
        let statement = try PolicyStatement(parsing: "Allow group Senders to use email-family in compartment Marketing")
        #expect(statement.subject == .groupName("Senders"))
        #expect(statement.verb == .use)
        #expect(statement.resource == .emailFamily)
        #expect(statement.location == .compartmentPath(["Marketing"]))
        #expect(statement.grantsSending)
    }

    @Test func keywordsAreCaseInsensitiveAndNamesMayBeQuotedOrNested() throws {
        let statement = try PolicyStatement(parsing: "ALLOW Group 'Mail Senders' TO manage ALL-RESOURCES IN compartment Sales:EU")
        #expect(statement.subject == .groupName("Mail Senders"))
        #expect(statement.verb == .manage)
        #expect(statement.location == .compartmentPath(["Sales", "EU"]))
        #expect(try PolicyStatement(parsing: "allow any-user to use email-family in tenancy").location == .tenancy)
    }

    @Test func readAndInspectDoNotGrantSending() throws {
        #expect(try !PolicyStatement(parsing: "Allow group G to read email-family in tenancy").grantsSending)
        #expect(try !PolicyStatement(parsing: "Allow group G to inspect email-family in tenancy").grantsSending)
    }

    @Test func idsAreAccepted() throws {
        let group = OCID.generate(.group)
        let compartment = OCID.generate(.compartment)
        let statement = try PolicyStatement(parsing: "Allow group id \(group) to use email-family in compartment id \(compartment)")
        #expect(statement.subject == .groupID(group))
        #expect(statement.location == .compartmentID(compartment))
    }

    @Test("a statement that does not parse is refused with the column of the problem", arguments: [
        ("", 1, "expected 'allow', found the end of the statement"),
        ("Deny group G to use email-family in tenancy", 1, "expected 'allow', found 'Deny'"),
        ("Allow grup G to use email-family in tenancy", 7, "expected 'group' or 'any-user', found 'grup'"),
        ("Allow group G too use email-family in tenancy", 15, "expected 'to', found 'too'"),
        ("Allow group G to send email-family in tenancy", 18, "expected a verb (inspect, read, use, manage), found 'send'"),
        ("Allow group G to use email in tenancy", 22, "expected a resource type (email-family, all-resources), found 'email'"),
        ("Allow group G to use email-family at tenancy", 35, "expected 'in', found 'at'"),
        ("Allow group G to use email-family in region", 38, "expected 'tenancy' or 'compartment', found 'region'"),
        ("Allow group G to use email-family in compartment", 49, "expected a compartment name or 'id', found the end of the statement"),
        ("Allow group G to use email-family in tenancy where x = 1", 46, "conditions ('where') are not supported after the end of the statement"),
        ("Allow group 'G to use email-family in tenancy", 13, "unterminated quoted name"),
        ("Allow group id nope to use email-family in tenancy", 16, "'nope' is not a valid group OCID"),
        ("Allow group G to use email-family in compartment a::b", 50, "empty compartment name in 'a::b'"),
    ])
    func syntaxErrors(text: String, column: Int, problem: String) {
        #expect(throws: PolicySyntaxError.self) { try PolicyStatement(parsing: text) }
        do {
            _ = try PolicyStatement(parsing: text)
        } catch {
            #expect(error.column == column)
            #expect(error.problem == problem)
        }
    }
}

/// A small tenancy: root ─ Marketing ─ EU, root ─ Sales.
struct TenancyFixture {
    let root = OCID.generate(.tenancy)
    let marketing = OCID.generate(.compartment)
    let eu = OCID.generate(.compartment)
    let sales = OCID.generate(.compartment)
    let senders = Group(id: .generate(.group), compartmentId: OCID.generate(.tenancy), name: "Senders", description: "", timeCreated: Date())
    let others = Group(id: .generate(.group), compartmentId: OCID.generate(.tenancy), name: "Others", description: "", timeCreated: Date())

    var compartments: [Compartment] {
        [Compartment(id: root, compartmentId: nil, name: "root", description: "", timeCreated: Date()),
         Compartment(id: marketing, compartmentId: root, name: "Marketing", description: "", timeCreated: Date()),
         Compartment(id: eu, compartmentId: marketing, name: "EU", description: "", timeCreated: Date()),
         Compartment(id: sales, compartmentId: root, name: "Sales", description: "", timeCreated: Date())]
    }

    func policy(_ statements: String..., in compartment: OCID? = nil) -> Policy {
        Policy(id: .generate(.policy), compartmentId: compartment ?? root, name: "p", description: "", statements: statements, timeCreated: Date())
    }

    func evaluator(_ policies: Policy...) -> PolicyEvaluator {
        PolicyEvaluator(compartments: compartments, policies: policies)
    }
}

@Suite struct PolicyEvaluatorTests {
    let t = TenancyFixture()

    @Test func aGrantAppliesToTheCompartmentAndItsChildren() {
        let evaluator = t.evaluator(t.policy("Allow group Senders to use email-family in compartment Marketing"))
        #expect(evaluator.mayUseEmail(groups: [t.senders], in: t.marketing))
        #expect(evaluator.mayUseEmail(groups: [t.senders], in: t.eu))
        #expect(!evaluator.mayUseEmail(groups: [t.senders], in: t.sales))
        #expect(!evaluator.mayUseEmail(groups: [t.senders], in: t.root))
        #expect(!evaluator.mayUseEmail(groups: [t.others], in: t.marketing))
        #expect(!evaluator.mayUseEmail(groups: [], in: t.marketing))
    }

    @Test func tenancyGrantsEverywhereAndGroupNamesIgnoreCase() {
        let evaluator = t.evaluator(t.policy("Allow group senders to use email-family in tenancy"))
        for compartment in [t.root, t.marketing, t.eu, t.sales] {
            #expect(evaluator.mayUseEmail(groups: [t.senders], in: compartment))
        }
    }

    @Test func namesResolveRelativeToThePolicysCompartment() {
        // A policy attached to Marketing names its child EU directly.
        let evaluator = t.evaluator(t.policy("Allow group Senders to use email-family in compartment EU", in: t.marketing))
        #expect(evaluator.mayUseEmail(groups: [t.senders], in: t.eu))
        #expect(!evaluator.mayUseEmail(groups: [t.senders], in: t.marketing))
        let nested = t.evaluator(t.policy("Allow group Senders to use email-family in compartment Marketing:EU"))
        #expect(nested.mayUseEmail(groups: [t.senders], in: t.eu))
        #expect(!nested.mayUseEmail(groups: [t.senders], in: t.marketing))
    }

    @Test func aPolicyCannotGrantOutsideItsOwnSubtree() {
        let evaluator = t.evaluator(t.policy("Allow group Senders to use email-family in compartment id \(t.sales)", in: t.marketing))
        #expect(!evaluator.mayUseEmail(groups: [t.senders], in: t.sales))
    }

    @Test func readOnlyUnknownAndUnparsableStatementsGrantNothing() {
        let evaluator = t.evaluator(t.policy("Allow group Senders to read email-family in tenancy",
                                             "Allow group Senders to use email-family in compartment Nowhere",
                                             "this is not a statement"))
        #expect(!evaluator.mayUseEmail(groups: [t.senders], in: t.marketing))
    }

    @Test func groupIdsAndAnyUserMatch() {
        let byID = t.evaluator(t.policy("Allow group id \(t.senders.id) to use email-family in tenancy"))
        #expect(byID.mayUseEmail(groups: [t.senders], in: t.sales))
        #expect(!byID.mayUseEmail(groups: [t.others], in: t.sales))
        let anyone = t.evaluator(t.policy("Allow any-user to use email-family in compartment Sales"))
        #expect(anyone.mayUseEmail(groups: [], in: t.sales))
    }
}
