import Synchronization

/// A `Mutex` that can be shared by reference, e.g. captured by a callback that outlives the initialiser.
final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    var value: Value { mutex.withLock { $0 } }

    func set(_ value: Value) { mutex.withLock { $0 = value } }

    func mutate<Result>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
}
