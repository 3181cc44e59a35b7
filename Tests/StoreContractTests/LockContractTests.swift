import EnvoiCore
import Foundation
import Testing

/// EnvoiCore's `LockStore` on approved senders and email domains, the same assertions on every
/// backend. The store keeps locks; the HTTPS API refuses what they forbid, by
/// `ControlPlaneRules.blockingLock` over the locks the store reads back.
@Suite struct LockContractTests {
    @Test(arguments: StoreBackend.allCases)
    func aDeleteLockBlocksDeletionUntilItIsRemoved(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let root = try await identity.tenancyID()
            let other = try await store.addCompartment("other")
            let sender = try await identity.createSender(email: "a@example.com", compartment: root, tags: .none)
            try await identity.addLock(.delete, to: sender.id, compartment: nil, relatedResourceId: "ocid1.thing", message: "keep it")

            let locked = try await identity.sender(sender.id)
            #expect(locked.locks.count == 1)
            let lock = try #require(locked.locks.first)
            #expect(lock.type == .delete && lock.compartmentId == root && lock.relatedResourceId == "ocid1.thing" && lock.message == "keep it")
            #expect(ControlPlaneRules.blockingLock(locked.locks, deleting: true, override: false) == lock, "the lock blocks deletion")
            #expect(ControlPlaneRules.blockingLock(locked.locks, deleting: false, override: false) == nil, "but not an update")
            #expect(try await identity.moveSender(sender.id, to: other).locks == locked.locks, "a move keeps the locks")

            await #expect(throws: ControlPlaneError.conflict("approved sender \(sender.id) already has a DELETE lock")) {
                try await identity.addLock(.delete, to: sender.id, compartment: nil, relatedResourceId: nil, message: nil)
            }
            await #expect(throws: ControlPlaneError.invalid(field: "type", "approved sender \(sender.id) has no FULL lock")) {
                try await identity.removeLock(.full, from: sender.id)
            }
            try await identity.removeLock(.delete, from: sender.id)
            let unlocked = try await identity.sender(sender.id)
            #expect(unlocked.locks.isEmpty)
            #expect(ControlPlaneRules.blockingLock(unlocked.locks, deleting: true, override: false) == nil)
            try await identity.deleteSender(sender.id)
            await #expect(throws: ControlPlaneError.notFound(.sender, sender.id.rawValue)) { _ = try await identity.sender(sender.id) }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func locksOfBothTypesAreKeptInTheCompartmentGiven(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let root = try await identity.tenancyID()
            let other = try await store.addCompartment("other")
            let sender = try await identity.createSender(email: "a@example.com", compartment: root, tags: .none)
            try await identity.addLock(.full, to: sender.id, compartment: other, relatedResourceId: nil, message: nil)
            try await identity.addLock(.delete, to: sender.id, compartment: nil, relatedResourceId: nil, message: nil)
            let locks = try await identity.sender(sender.id).locks
            #expect(locks.map(\.type) == [.full, .delete])
            #expect(locks.map(\.compartmentId) == [other, root])
            #expect(ControlPlaneRules.blockingLock(locks, deleting: false, override: false)?.type == .full, "a FULL lock blocks an update")
            #expect(ControlPlaneRules.blockingLock(locks, deleting: true, override: true) == nil, "an override lifts them")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func anEmailDomainTakesLocksToo(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let domain = try await store.addEmailDomain("example.com")
            try await identity.addLock(.full, to: domain, compartment: nil, relatedResourceId: nil, message: "frozen")
            await #expect(throws: ControlPlaneError.conflict("email domain \(domain) already has a FULL lock"), "the first lock was kept") {
                try await identity.addLock(.full, to: domain, compartment: nil, relatedResourceId: nil, message: nil)
            }
            try await identity.removeLock(.full, from: domain)
            await #expect(throws: ControlPlaneError.invalid(field: "type", "email domain \(domain) has no FULL lock")) {
                try await identity.removeLock(.full, from: domain)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func onlyExistingSendersAndEmailDomainsTakeLocks(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            let identity = store.identity
            let suppression = try await store.addSuppression(email: "s@example.com")
            await #expect(throws: ControlPlaneError.invalid(field: "id", "only senders and email domains take locks")) {
                try await identity.addLock(.full, to: suppression.id, compartment: nil, relatedResourceId: nil, message: nil)
            }
            let missing = OCID.generate(.sender)
            await #expect(throws: ControlPlaneError.notFound(.sender, missing.rawValue)) {
                try await identity.addLock(.full, to: missing, compartment: nil, relatedResourceId: nil, message: nil)
            }
            let domain = OCID.generate(.emailDomain)
            await #expect(throws: ControlPlaneError.notFound(.emailDomain, domain.rawValue)) {
                try await identity.removeLock(.full, from: domain)
            }
        }
    }
}
