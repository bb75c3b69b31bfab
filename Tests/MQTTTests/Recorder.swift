import Synchronization

/// Collects values from callbacks on other threads and lets a test wait, with a deadline, for a condition on them.
///
/// Waiting polls the locked array every few milliseconds with `Task.sleep`, so it never blocks a thread of the
/// small cooperative pool that all parallel tests share.
final class Recorder<Element: Sendable>: Sendable {
    private let elements = Mutex<[Element]>([])

    /// Everything recorded so far.
    var all: [Element] {
        elements.withLock { $0 }
    }

    func append(_ element: Element) {
        elements.withLock { $0.append(element) }
    }

    /// Waits until `condition` holds for the recorded values or the timeout passes.
    ///
    /// - Returns: Whether the condition held in time.
    @discardableResult
    func wait(timeout: Duration = .seconds(20), until condition: ([Element]) -> Bool) async -> Bool {
        await MQTTTestSupport.poll(timeout: timeout) { condition(all) }
    }
}
