import DKIM
import EnvoiCore
import EnvoiStore
import Foundation

/// The publish zone as a standard zone file (RFC 1035 §5): one TXT record per DKIM key at its
/// CNAME target, long values split into 255-octet strings, for any authoritative DNS server
/// (BIND, Knot, NSD, PowerDNS) to load or `$INCLUDE`.
public struct DkimZoneFile: Sendable {
    /// The publish zone (`dkim.publish_zone`).
    public let zone: DomainName
    /// Time to live of every record, in seconds.
    public let ttl: Int

    /// One hour: short enough for a rotation to propagate, long enough to cache.
    public static let defaultTTL = 3600

    public init(zone: DomainName, ttl: Int = defaultTTL) {
        self.zone = zone
        self.ttl = ttl
    }

    /// The keys that stay published: every key not being deleted, INACTIVE ones included,
    /// because mail signed with a rotated-out key may still be in transit (BEHAVIOUR §5).
    public static func isPublished(_ key: DkimKey) -> Bool {
        key.lifecycleState != .deleting && key.lifecycleState != .deleted && key.lifecycleState != .failed
    }

    /// The zone file text. `nameServer`, when given, adds the SOA and NS records that make the
    /// file a complete zone (serial = `generated` in seconds); without it the file holds only
    /// the TXT records, to be included into an existing zone.
    public func render(_ keys: [DkimKeyOfDomain], generated: Date, nameServer: DomainName? = nil,
                       hostmaster: String = "hostmaster") -> String {
        let origin = zone.value + "."
        var lines = [
            "; DKIM keys published by Envoi in the zone \(zone.value): customers' CNAMEs",
            "; <selector>._domainkey.<domain> point to these names (RFC 6376 §3.6.2.1).",
            "; Generated \(Self.timestamp(generated)); regenerate with `envoi dkim zone` after creating or deleting keys.",
            "$ORIGIN \(origin)",
            "$TTL \(ttl)",
        ]
        if let nameServer {
            let serial = UInt32(clamping: Int(generated.timeIntervalSince1970))
            lines.append("@ IN SOA \(nameServer.value). \(hostmaster).\(origin) \(serial) 3600 600 1209600 300")
            lines.append("@ IN NS \(nameServer.value).")
        }
        var skipped: [String] = []
        for entry in keys where Self.isPublished(entry.key) {
            let name = entry.key.cnameRecordValue.lowercased()
            guard name.hasSuffix("." + zone.value) else {
                skipped.append("; skipped \(name): not under \(zone.value) (dkim.publish_zone changed after it was created)")
                continue
            }
            lines.append("; \(entry.domainName) selector \(entry.key.name), \(entry.key.algorithm), \(entry.key.lifecycleState.rawValue)")
            lines.append(TXTRecordText.zoneFileRecord(name: name + ".", value: entry.key.txtRecordValue))
        }
        return (lines + skipped).joined(separator: "\n") + "\n"
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
