import Foundation
import KerbsideCore
import KerbsideHTTP
import Synchronization

/// Holds the latest published snapshot; readers copy a reference-counted value out under a lock held for nanoseconds.
final class SnapshotStore: Sendable {
    private let latest: Mutex<PublishedSnapshot>

    init(initial: LiveSnapshot) {
        latest = Mutex(PublishedSnapshot(generation: 0, snapshot: initial))
    }

    var current: PublishedSnapshot { latest.withLock { $0 } }

    @discardableResult
    func publish(_ snapshot: LiveSnapshot) -> PublishedSnapshot {
        latest.withLock { published in
            published = PublishedSnapshot(generation: published.generation + 1, snapshot: snapshot)
            return published
        }
    }
}
