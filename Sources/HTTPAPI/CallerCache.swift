import _CryptoExtras
import EnvoiCore

/// Remembers, for a few seconds, what a key id resolved to: its parsed public key and what its
/// owner may do. A busy client then verifies its signatures without a store round trip per
/// request; a deleted key or a changed policy takes effect within `lifetime` seconds.
final class CallerCache: Sendable {
    struct Entry: Sendable {
        var key: _RSA.Signing.PublicKey
        var access: CallerAccess
        var expires: Double
    }

    /// Seconds an entry is used before the store is asked again.
    static let lifetime = 5.0
    /// Entries kept at most; beyond, expired ones are dropped, then all.
    static let maximumEntries = 10_000

    private let entries = Locked<[String: Entry]>([:])
    private let now: @Sendable () -> Double

    init(now: @escaping @Sendable () -> Double) {
        self.now = now
    }

    /// The cached entry for `keyId`, if still fresh.
    func entry(for keyId: String) -> Entry? {
        let time = now()
        return entries.withLock { entries in
            guard let entry = entries[keyId], entry.expires > time else { return nil }
            return entry
        }
    }

    /// Remembers what `keyId` resolved to.
    func store(_ keyId: String, key: _RSA.Signing.PublicKey, access: CallerAccess) {
        let time = now()
        entries.withLock { entries in
            if entries.count >= Self.maximumEntries { entries = entries.filter { $0.value.expires > time } }
            if entries.count >= Self.maximumEntries { entries.removeAll() }
            entries[keyId] = Entry(key: key, access: access, expires: time + Self.lifetime)
        }
    }
}
