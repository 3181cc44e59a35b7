// SQLite-only: a temporary data directory and store for the tests that need SQLite itself (see each file's first line).
import EnvoiCore
@testable import EnvoiStore
import Foundation
import Testing

/// A prepared data directory in a fresh temporary folder, removed when the fixture goes away.
final class StoreFixture {
    let root: String
    let directory: DataDirectory
    let store: ControlPlaneStore
    let bootstrap: ControlPlaneStore.Bootstrap

    /// - Parameter now: the store's clock (a fixed one keeps time-window checks exact however slowly
    ///   the test runs, as under ThreadSanitizer).
    init(softBounceLimit: Int = ControlPlaneStore.defaultSoftBounceLimit, now: @escaping @Sendable () -> Date = Date.init) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("envoi-store-\(UUID().uuidString)").path
        directory = DataDirectory(path: root + "/data")
        _ = try directory.prepare()
        store = try ControlPlaneStore(directory: directory, now: now, softBounceLimit: softBounceLimit)
        bootstrap = try store.initialise()
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    var tenancy: OCID { bootstrap.tenancy.id }

    /// The database file and its WAL, as raw bytes, for checks that no secret is stored in clear.
    func rawDatabaseBytes() throws -> Data {
        var bytes = Data()
        for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: directory.databasePath + suffix) {
            bytes += try Data(contentsOf: URL(fileURLWithPath: directory.databasePath + suffix))
        }
        return bytes
    }

    /// A DKIM key value ready for `insertDkim`.
    func dkim(domain: OCID, selector: String, state: DkimLifecycleState) -> DkimKey {
        DkimKey(id: .generate(.dkim), name: selector, emailDomainId: domain, compartmentId: tenancy, lifecycleState: state,
                timeCreated: Date(), timeUpdated: Date(), dnsSubdomainName: "\(selector)._domainkey.example.com",
                cnameRecordValue: "\(selector).example.com.dkim.envoi.test", txtRecordValue: "v=DKIM1; k=rsa; p=AAAA",
                isImported: false, keyLength: 2048, algorithm: "rsa-sha256")
    }
}

/// A store error's code, or nil when `body` did not throw one.
func storeErrorCode(_ body: () throws -> Void) -> StoreError.Code? {
    do { try body() } catch let error as StoreError { return error.code } catch { return nil }
    return nil
}
