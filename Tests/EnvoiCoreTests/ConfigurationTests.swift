import EnvoiCore
import Foundation
import Testing

@Suite struct ConfigurationFileTests {
    @Test func parsesSectionsStringsArraysNumbersAndComments() throws {
        let file = try ConfigurationFile(parsing: """
            # Envoi
            data_dir = "/var/lib/envoi"   # trailing comment
            [smtp]
            listen = ["127.0.0.1:2525", '127.0.0.1:2587']
            [delivery]
            mode = "relay"
            relay_host = "smarthost.example:587"
            [extra]
            count = 1_000
            flag = true
            quoted = "a # not a comment \\" ok"
            """, name: "envoi.toml")
        #expect(file.values["data_dir"] == "/var/lib/envoi")
        #expect(file.values["smtp.listen"] == "127.0.0.1:2525,127.0.0.1:2587")
        #expect(file.values["delivery.mode"] == "relay")
        #expect(file.values["extra.count"] == "1000")
        #expect(file.values["extra.flag"] == "true")
        #expect(file.values["extra.quoted"] == "a # not a comment \" ok")
        #expect(file.lines["delivery.mode"] == 6)
    }

    @Test("malformed lines are refused with their number", arguments: [
        ("[smtp\nlisten = \"x\"", "envoi.toml:1: malformed section header '[smtp'"),
        ("a = 1\nwhat", "envoi.toml:2: expected 'key = value', found 'what'"),
        ("a = \"unterminated", "envoi.toml:1: invalid value for 'a': \"unterminated"),
        ("a = 1\na = 2", "envoi.toml:2: 'a' is set twice (first on line 1)"),
        ("a = bare", "envoi.toml:1: invalid value for 'a': bare"),
        ("[[tables]]", "envoi.toml:1: malformed section header '[[tables]]'"),
        ("a b = 1", "envoi.toml:1: invalid key 'a b'"),
    ])
    func errors(text: String, message: String) {
        #expect(throws: ConfigurationError.self) { try ConfigurationFile(parsing: text, name: "envoi.toml") }
        do { _ = try ConfigurationFile(parsing: text, name: "envoi.toml") } catch { #expect(error.message == message) }
    }
}

@Suite struct ConfigurationResolutionTests {
    let file = try! ConfigurationFile(parsing: "[smtp]\nlisten = \"127.0.0.1:1025\"\n[https]\nlisten = \"127.0.0.1:9443\"\n", name: "f.toml")

    @Test func defaultsApplyWhenNothingIsSet() throws {
        let resolved = try EnvoiConfiguration.resolve(file: nil, environment: ["HOME": "/home/u"], flags: [:])
        let configuration = resolved.configuration
        #expect(configuration.smtpListen == [HostPort(host: "127.0.0.1", port: 2525), HostPort(host: "127.0.0.1", port: 2587)])
        #expect(configuration.httpsListen == HostPort(host: "127.0.0.1", port: 8443))
        #expect(configuration.deliveryMode == .capture)
        #expect(configuration.dnsResolver == .system)
        #expect(configuration.metricsListen == nil)
        #expect(configuration.dataDirectory == "/home/u/.local/share/envoi")
        #expect(resolved.entries.allSatisfy { $0.source == .defaultValue })
    }

    @Test func precedenceIsFlagThenEnvironmentThenFileThenDefault() throws {
        let environment = ["ENVOI_SMTP_LISTEN": "127.0.0.1:0", "ENVOI_HTTPS_LISTEN": "127.0.0.1:7443", "XDG_DATA_HOME": "/x"]
        let resolved = try EnvoiConfiguration.resolve(file: (file, "f.toml"), environment: environment,
                                                      flags: ["https.listen": "127.0.0.1:6443", "data_dir": "/d"])
        #expect(resolved.configuration.smtpListen == [HostPort(host: "127.0.0.1", port: 0)])
        #expect(resolved.configuration.httpsListen == HostPort(host: "127.0.0.1", port: 6443))
        #expect(resolved.configuration.dataDirectory == "/d")
        let sources = Dictionary(uniqueKeysWithValues: resolved.entries.map { ($0.key.path, $0.source) })
        #expect(sources["smtp.listen"] == .environment("ENVOI_SMTP_LISTEN"))
        #expect(sources["https.listen"] == .flag)
        #expect(sources["delivery.mode"] == .defaultValue)
        let fileOnly = try EnvoiConfiguration.resolve(file: (file, "f.toml"), environment: [:], flags: [:])
        #expect(fileOnly.configuration.smtpListen == [HostPort(host: "127.0.0.1", port: 1025)])
        #expect(fileOnly.entries.first { $0.key.path == "smtp.listen" }?.source == .file("f.toml:2"))
    }

    @Test("bad values name the key, the value and its source", arguments: [
        (["ENVOI_SMTP_LISTEN": "nowhere"], [String: String](), "smtp.listen = 'nowhere' (from environment ENVOI_SMTP_LISTEN): 'nowhere' is not host:port"),
        ([:], ["delivery.mode": "carrier-pigeon"], "delivery.mode = 'carrier-pigeon' (from flag): expected capture, relay or direct"),
        (["ENVOI_DNS_RESOLVER": "8.8.8.8"], [:], "dns.resolver = '8.8.8.8' (from environment ENVOI_DNS_RESOLVER): expected system or host:port"),
        ([:], ["https.listen": "127.0.0.1:70000"], "https.listen = '127.0.0.1:70000' (from flag): expected host:port"),
        (["ENVOI_LOG_LEVEL": "verbose"], [:],
         "log.level = 'verbose' (from environment ENVOI_LOG_LEVEL): expected one of trace, debug, info, notice, warning, error, critical"),
    ])
    func badValues(environment: [String: String], flags: [String: String], message: String) {
        do {
            _ = try EnvoiConfiguration.resolve(file: nil, environment: environment, flags: flags)
            Issue.record("expected an error")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func theReturnPathDomainIsOffByDefaultAndLowerCasedWhenSet() throws {
        let defaults = try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: [:]).configuration.delivery
        #expect(defaults.returnPathDomain == nil)
        #expect(defaults.softBounceLimit == 3)
        let set = try EnvoiConfiguration.resolve(file: nil, environment: ["ENVOI_DELIVERY_RETURN_PATH_DOMAIN": "Bounces.Example.NET"],
                                                 flags: ["delivery.soft_bounce_limit": "5"]).configuration.delivery
        #expect(set.returnPathDomain == "bounces.example.net")
        #expect(set.softBounceLimit == 5)
        #expect(throws: ConfigurationError.self) {
            try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: ["delivery.return_path_domain": "not a domain"])
        }
        #expect(throws: ConfigurationError.self) {
            try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: ["delivery.soft_bounce_limit": "0"])
        }
    }

    @Test func logLevelDefaultsToInfoAndTakesEveryNamedLevel() throws {
        #expect(try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: [:]).configuration.logLevel == .info)
        for level in LogLevel.allCases {
            let file = try ConfigurationFile(parsing: "[log]\nlevel = \"\(level.rawValue)\"", name: "f.toml")
            #expect(try EnvoiConfiguration.resolve(file: (file, "f.toml"), environment: [:], flags: [:]).configuration.logLevel == level)
        }
        #expect(try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: ["log.level": "debug"]).configuration.logLevel == .debug)
    }

    @Test func unknownKeysAreRefused() throws {
        let typo = try ConfigurationFile(parsing: "[smtp]\nlisen = \"x\"", name: "f.toml")
        #expect(throws: ConfigurationError.self) { try EnvoiConfiguration.resolve(file: (typo, "f.toml"), environment: [:], flags: [:]) }
        #expect(throws: ConfigurationError.self) { try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: ["smtp.lisen": "x"]) }
    }

    @Test func directDeliveryAndConnectionReuseKeysAreTypedAndChecked() throws {
        let defaults = try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: [:]).configuration.delivery
        #expect(!defaults.directTLSRequired && !defaults.directVerify && defaults.directPort == 25)
        #expect(defaults.connectionReuseLimit == 100 && defaults.connectionIdleTime == 5)
        let set = try EnvoiConfiguration.resolve(file: nil, environment: ["ENVOI_DELIVERY_DIRECT_PORT": "2525"], flags: [
            "delivery.mode": "direct", "delivery.direct_tls": "require", "delivery.direct_verify": "true",
            "delivery.connection_reuse_limit": "1", "delivery.connection_idle_time": "30",
        ]).configuration
        #expect(set.deliveryMode == .direct)
        #expect(set.delivery.directTLSRequired && set.delivery.directVerify && set.delivery.directPort == 2525)
        #expect(set.delivery.connectionReuseLimit == 1 && set.delivery.connectionIdleTime == 30)
        for (key, value) in [("delivery.direct_tls", "none"), ("delivery.direct_verify", "yes"), ("delivery.direct_port", "0"),
                             ("delivery.direct_port", "65536"), ("delivery.connection_reuse_limit", "0"), ("delivery.connection_idle_time", "x")] {
            #expect(throws: ConfigurationError.self, "\(key) = \(value)") {
                try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: [key: value])
            }
        }
    }

    @Test func everyKeyHasAnEnvironmentNameAndAValidDefault() {
        for key in ConfigurationKey.all where key.path != "data_dir" {
            #expect(key.problem(with: key.defaultValue) == nil, "default of \(key.path)")
            #expect(key.environmentName.hasPrefix("ENVOI_"))
        }
        #expect(ConfigurationKey.smtpListen.environmentName == "ENVOI_SMTP_LISTEN")
        #expect(ConfigurationKey.dataDirectory.environmentName == "ENVOI_DATA_DIR")
    }

    @Test("host:port parsing", arguments: [
        ("127.0.0.1:25", "127.0.0.1", 25), ("localhost:0", "localhost", 0), ("[::1]:2525", "::1", 2525), ("mx.example.com:587", "mx.example.com", 587),
    ])
    func hostPorts(text: String, host: String, port: Int) {
        #expect(HostPort(parsing: text) == HostPort(host: host, port: port))
    }

    @Test("bad host:port", arguments: ["", "127.0.0.1", ":25", "host:", "host:-1", "host:65536", "::1:25", "[::1]25", "bad host:25"])
    func badHostPorts(text: String) {
        #expect(HostPort(parsing: text) == nil)
    }
}

@Suite("DKIM selectors and record names")
struct DkimSelectorTests {
    @Test("valid selectors", arguments: ["a", "envoi-20261128", "s2048", String(repeating: "x", count: 63)])
    func valid(selector: String) throws {
        #expect(try ControlPlaneRules.dkimSelector(selector) == selector)
    }

    @Test("refused selectors name the field", arguments: [
        ("", "selector: required"), ("Sel", "selector: 'Sel' may hold only lower-case letters a-z, digits and '-'"),
        ("a_b", "selector: 'a_b' may hold only lower-case letters a-z, digits and '-'"), ("end-", "selector: 'end-' must not start or end with '-'"),
    ])
    func refused(selector: String, message: String) {
        do {
            _ = try ControlPlaneRules.dkimSelector(selector)
            Issue.record("\(selector) accepted")
        } catch {
            #expect(error.message == message)
        }
    }

    @Test("the default selector is dated in UTC")
    func defaultSelector() {
        #expect(ControlPlaneRules.defaultDkimSelector(at: Date(timeIntervalSince1970: 1_795_045_000)) == "envoi-20261118")
        #expect(ControlPlaneRules.defaultDkimSelector(at: Date(timeIntervalSince1970: 1_795_050_000)) == "envoi-20261119")
    }

    @Test("record names of a key")
    func names() {
        let names = DkimRecordNames(selector: "s1", domain: "Mail.Example.com", publishZone: "dkim.example.net")
        #expect(names.dnsSubdomainName == "s1._domainkey.mail.example.com")
        #expect(names.cnameRecordValue == "s1.mail.example.com.dkim.example.net")
    }

    @Test("the publish zone and DNS timeout keys")
    func dkimKeys() throws {
        let resolved = try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: ["dkim.publish_zone": "dkim.mail.example.net", "dns.timeout": "2"])
        #expect(resolved.configuration.dkimPublishZone.value == "dkim.mail.example.net")
        #expect(resolved.configuration.dnsTimeoutSeconds == 2)
        #expect(throws: ConfigurationError.self) { try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: ["dkim.publish_zone": "localhost"]) }
        #expect(throws: ConfigurationError.self) { try EnvoiConfiguration.resolve(file: nil, environment: [:], flags: ["dns.timeout": "0"]) }
    }
}

@Suite("SPF inclusion (RFC 7208) for isSpf")
struct SPFInclusionTests {
    static let include = "spf.envoi.test"

    @Test("records and what they mean", arguments: [
        ([["v=spf1 include:spf.envoi.test ~all"]], SPFInclusion.included),
        ([["v=spf1 ip4:192.0.2.1 ", "+include:SPF.Envoi.Test. -all"]], .included),
        ([["google-site-verification=x"], ["v=spf1 include:spf.envoi.test -all"]], .included),
        ([], .noRecord),
        ([["v=spf10 include:spf.envoi.test"]], .noRecord),
        ([["v=spf1 include:spf.envoi.test"], ["v=spf1 -all"]], .severalRecords(2)),
        ([["v=spf1 -include:spf.envoi.test ~all"]], .notIncluded(record: "v=spf1 -include:spf.envoi.test ~all")),
        ([["v=spf1 include:spf.envoi.test.example.com ~all"]], .notIncluded(record: "v=spf1 include:spf.envoi.test.example.com ~all")),
    ] as [([[String]], SPFInclusion)])
    func evaluate(records: [[String]], expected: SPFInclusion) {
        #expect(SPFInclusion.evaluate(txtRecords: records, include: Self.include) == expected)
    }

    @Test("explanations name the domain and the include")
    func explanations() {
        for outcome in [SPFInclusion.included, .noRecord, .severalRecords(2), .notIncluded(record: "v=spf1 -all")] {
            let text = outcome.explanation(domain: "example.com", include: Self.include)
            #expect(text.contains("example.com") && text.contains(Self.include))
        }
    }
}
