/// One policy statement, in the subset of the cloud service's policy language that governs email:
///
///     Allow group <name> | group id <ocid> | any-user
///         to inspect | read | use | manage  email-family | all-resources
///         in tenancy | compartment <name>[:<child>…] | compartment id <ocid>
///
/// Keywords are case-insensitive; names may be quoted with single quotes. A compartment name is
/// resolved relative to the compartment the policy is attached to (`a:b` is child `b` of child `a`),
/// as the cloud service does. A grant applies to the named compartment and all its descendants.
public struct PolicyStatement: Sendable, Equatable {
    /// Who the statement grants to.
    public enum Subject: Sendable, Equatable {
        case groupName(String)
        case groupID(OCID)
        case anyUser
    }

    /// The verb, in increasing order of power.
    public enum Verb: String, Sendable, Comparable, CaseIterable {
        case inspect, read, use, manage
        private var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (lhs: Verb, rhs: Verb) -> Bool { lhs.rank < rhs.rank }
    }

    /// The resource family.
    public enum ResourceFamily: String, Sendable, CaseIterable {
        case emailFamily = "email-family"
        case allResources = "all-resources"
    }

    /// Where the grant applies.
    public enum Location: Sendable, Equatable {
        case tenancy
        case compartmentPath([String])
        case compartmentID(OCID)
    }

    public var subject: Subject
    public var verb: Verb
    public var resource: ResourceFamily
    public var location: Location

    /// True when the statement lets its subject send email (`use` or `manage` on email).
    public var grantsSending: Bool { verb >= .use }

    /// Parses one statement; the error gives the 1-based column of the problem.
    public init(parsing text: String) throws(PolicySyntaxError) {
        var tokens = PolicyTokenizer(text)
        try tokens.expectKeyword("allow")
        let subjectToken = try tokens.next(expecting: "'group' or 'any-user'")
        switch subjectToken.text.lowercased() {
        case "any-user":
            subject = .anyUser
        case "group":
            let name = try tokens.next(expecting: "a group name or 'id'")
            if name.text.lowercased() == "id" && !name.quoted {
                subject = .groupID(try tokens.ocid(.group))
            } else {
                subject = .groupName(name.text)
            }
        default:
            throw PolicySyntaxError(column: subjectToken.column, "expected 'group' or 'any-user', found '\(subjectToken.text)'")
        }
        try tokens.expectKeyword("to")
        let verbToken = try tokens.next(expecting: "a verb (inspect, read, use, manage)")
        guard let verb = Verb(rawValue: verbToken.text.lowercased()) else {
            throw PolicySyntaxError(column: verbToken.column, "expected a verb (inspect, read, use, manage), found '\(verbToken.text)'")
        }
        self.verb = verb
        let resourceToken = try tokens.next(expecting: "a resource type (email-family, all-resources)")
        guard let resource = ResourceFamily(rawValue: resourceToken.text.lowercased()) else {
            throw PolicySyntaxError(column: resourceToken.column, "expected a resource type (email-family, all-resources), found '\(resourceToken.text)'")
        }
        self.resource = resource
        try tokens.expectKeyword("in")
        let placeToken = try tokens.next(expecting: "'tenancy' or 'compartment'")
        switch placeToken.text.lowercased() {
        case "tenancy":
            location = .tenancy
        case "compartment":
            let name = try tokens.next(expecting: "a compartment name or 'id'")
            if name.text.lowercased() == "id" && !name.quoted {
                location = .compartmentID(try tokens.ocid(nil))
            } else {
                let path = name.text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard !path.contains(where: \.isEmpty) else {
                    throw PolicySyntaxError(column: name.column, "empty compartment name in '\(name.text)'")
                }
                location = .compartmentPath(path)
            }
        default:
            throw PolicySyntaxError(column: placeToken.column, "expected 'tenancy' or 'compartment', found '\(placeToken.text)'")
        }
        if let extra = tokens.peek() {
            let hint = extra.text.lowercased() == "where" ? "conditions ('where') are not supported" : "unexpected '\(extra.text)'"
            throw PolicySyntaxError(column: extra.column, "\(hint) after the end of the statement")
        }
    }
}

/// A statement that does not parse: where (1-based column) and what was expected.
public struct PolicySyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public let column: Int
    public let problem: String

    init(column: Int, _ problem: String) {
        self.column = column
        self.problem = problem
    }

    public var description: String { "column \(column): \(problem)" }
}

/// Splits a statement into words and single-quoted names, remembering columns.
struct PolicyTokenizer {
    struct Token {
        var text: String
        var column: Int
        var quoted: Bool
    }

    private var tokens: [Token] = []
    private var position = 0
    private let endColumn: Int
    private var error: PolicySyntaxError?

    init(_ text: String) {
        let characters = Array(text)
        endColumn = characters.count + 1
        var index = 0
        while index < characters.count {
            if characters[index].isWhitespace { index += 1; continue }
            let start = index
            if characters[index] == "'" {
                index += 1
                while index < characters.count && characters[index] != "'" { index += 1 }
                if index == characters.count {
                    error = PolicySyntaxError(column: start + 1, "unterminated quoted name")
                    return
                }
                tokens.append(Token(text: String(characters[(start + 1)..<index]), column: start + 1, quoted: true))
                index += 1
            } else {
                while index < characters.count && !characters[index].isWhitespace { index += 1 }
                tokens.append(Token(text: String(characters[start..<index]), column: start + 1, quoted: false))
            }
        }
    }

    mutating func next(expecting what: String) throws(PolicySyntaxError) -> Token {
        if let error { throw error }
        guard position < tokens.count else {
            throw PolicySyntaxError(column: endColumn, "expected \(what), found the end of the statement")
        }
        defer { position += 1 }
        return tokens[position]
    }

    func peek() -> Token? { position < tokens.count ? tokens[position] : nil }

    mutating func expectKeyword(_ keyword: String) throws(PolicySyntaxError) {
        let token = try next(expecting: "'\(keyword)'")
        guard !token.quoted, token.text.lowercased() == keyword else {
            throw PolicySyntaxError(column: token.column, "expected '\(keyword)', found '\(token.text)'")
        }
    }

    mutating func ocid(_ type: ResourceType?) throws(PolicySyntaxError) -> OCID {
        let token = try next(expecting: "an OCID")
        guard let id = OCID(token.text, type: type) else {
            throw PolicySyntaxError(column: token.column, "'\(token.text)' is not a valid \(type?.displayName ?? "compartment") OCID")
        }
        return id
    }
}
