import DNSResolver
import SMTPProtocol

/// Where mail for a domain goes, from DNS, as RFC 5321 §5.1 says: its MX hosts in preference
/// order (equal preferences shuffled, to spread load), or the domain itself as an implicit MX
/// when it has no MX record; each host's IPv4 then IPv6 addresses.
///
/// A null MX (RFC 7505: the single record `0 .`) and a domain that does not exist are permanent:
/// the message bounces without any connection. A DNS failure defers it.
public struct MailExchangerRouter: Sendable {
    /// The hosts to try in order, or the outcome when there is none.
    public enum Route: Sendable, Equatable {
        case hops([NextHop])
        case undeliverable(DeliveryOutcome)
    }

    /// MX hosts considered per domain (the rest, with larger preferences, are ignored).
    public static let maximumExchangers = 10
    /// Addresses tried per delivery in all (Postfix's `smtp_mx_address_limit` is 5; a few more
    /// here, since each host has an IPv4 and an IPv6 address).
    public static let maximumAddresses = 10

    private let lookup: any DNSLookup
    private let port: Int
    private let shuffle: @Sendable ([String]) -> [String]

    /// - Parameters:
    ///   - port: the SMTP port of every host (25; tests deliver to a receiver on another).
    ///   - shuffle: orders hosts of equal preference (random by default; tests keep it stable).
    public init(lookup: any DNSLookup, port: Int = 25, shuffle: @escaping @Sendable ([String]) -> [String] = { $0.shuffled() }) {
        self.lookup = lookup
        self.port = port
        self.shuffle = shuffle
    }

    /// The route to `domain`.
    public func route(to domain: String) async -> Route {
        let domain = DNSName.normalized(domain)
        let response: DNSResponse
        do {
            response = try await lookup.query(domain, .mx)
        } catch {
            return .undeliverable(.deferred(status: SMTPReply.dnsFailure(for: domain, error: "\(error)").description))
        }
        if response.code == .nameError {
            return .undeliverable(.bounced(status: SMTPReply.noSuchDomain(domain, reason: "does not exist (NXDOMAIN)").description))
        }
        let exchangers = response.answers.compactMap { record -> (UInt16, String)? in
            if case .mx(let preference, let exchange) = record.data { return (preference, exchange) }
            return nil
        }
        // RFC 7505 §3: a null MX is the only MX of its domain, preference 0, exchange ".".
        if exchangers.count == 1, exchangers[0].1.isEmpty {
            return .undeliverable(.bounced(status: SMTPReply.nullMX(domain).description))
        }
        let implicit = exchangers.isEmpty
        let hosts = implicit ? [domain] : ordered(exchangers.filter { !$0.1.isEmpty })
        var hops: [NextHop] = []
        var dnsFailure: String?
        for host in hosts.prefix(Self.maximumExchangers) where hops.count < Self.maximumAddresses {
            for type in [DNSRecordType.a, .aaaa] {
                do {
                    let answer = try await lookup.query(host, type)
                    hops += addresses(in: answer).map { NextHop(name: host, address: $0, port: port) }
                } catch {
                    dnsFailure = dnsFailure ?? "\(error)"
                }
            }
        }
        if !hops.isEmpty { return .hops(Array(hops.prefix(Self.maximumAddresses))) }
        if let dnsFailure {
            return .undeliverable(.deferred(status: SMTPReply.dnsFailure(for: domain, error: dnsFailure).description))
        }
        // RFC 5321 §5.1: no MX and no address means the domain takes no mail; MX hosts without
        // addresses are more likely a DNS mistake being fixed, so that is retried.
        return implicit
            ? .undeliverable(.bounced(status: SMTPReply.noSuchDomain(domain, reason: "has no MX and no address record").description))
            : .undeliverable(.deferred(status: SMTPReply.noRoute(to: domain).description))
    }

    /// Hosts by ascending preference; a host listed twice keeps its best preference.
    public func ordered(_ exchangers: [(UInt16, String)]) -> [String] {
        var best: [String: UInt16] = [:]
        for (preference, host) in exchangers {
            best[host] = min(best[host] ?? .max, preference)
        }
        let preferences = Set(best.values).sorted()
        return preferences.flatMap { preference in
            shuffle(best.filter { $0.value == preference }.keys.sorted())
        }
    }

    private func addresses(in response: DNSResponse) -> [String] {
        response.answers.compactMap { record in
            switch record.data {
            case .a(let address), .aaaa(let address): address
            default: nil
            }
        }
    }
}
