import Synchronization

/// A value shared between a callback thread and a test, by reference.
public final class LockedBox<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    public var value: Value { mutex.withLock { $0 } }

    public func set(_ value: Value) { mutex.withLock { $0 = value } }

    @discardableResult
    public func mutate<Result>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
}
