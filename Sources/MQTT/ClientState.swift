import Dispatch

/// The mutable state of an `MQTTClient`, always accessed under its `Mutex`.
struct ClientState {
    typealias ConnectionHandler = @Sendable (MQTTConnectionState) -> Void

    /// Who is given inbound messages: a handler of copies, or one that reads them in libmosquitto's buffers.
    @safe enum MessageHandler {
        case copying(@Sendable (MQTTMessage) -> Void)
        case borrowing(@Sendable (MQTTBorrowedMessage) -> Void)
    }

    /// Where the client is in its one-way life.
    enum Phase {
        case idle
        case started
        case stopped
    }

    var phase: Phase = .idle
    var connection: MQTTConnectionState = .disconnected
    var lastError: MQTTError?
    /// Remembered filters in the order they were first subscribed, renewed on every connect.
    var subscriptions: [(filter: String, qos: MQTTQoS)] = []
    var messageHandler: MessageHandler?
    var connectionHandler: ConnectionHandler?
    /// Threads blocked in `waitUntilConnected`, woken on connect and on stop.
    var connectionWaiters: [Int: DispatchSemaphore] = [:]
    var nextWaiterID = 0

    /// Whether the broker's last answer was a refusal, which says more than the failures that follow it.
    var isRefused: Bool {
        if case .refused = connection { true } else { false }
    }

    /// Records a connection state and wakes waiters when connected or stopped.
    ///
    /// - Returns: The handler to tell, outside the lock, if the state changed.
    mutating func setConnection(_ newState: MQTTConnectionState) -> ConnectionHandler? {
        if newState == .connected || phase == .stopped {
            for waiter in connectionWaiters.values {
                waiter.signal()
            }
            connectionWaiters.removeAll()
        }
        guard newState != connection else { return nil }
        connection = newState
        return connectionHandler
    }

    /// Adds or updates a remembered subscription.
    ///
    /// - Returns: Whether the filter was new or its QoS changed.
    mutating func remember(_ filter: String, qos: MQTTQoS) -> Bool {
        if let index = subscriptions.firstIndex(where: { $0.filter == filter }) {
            guard subscriptions[index].qos != qos else { return false }
            subscriptions[index].qos = qos
            return true
        }
        subscriptions.append((filter, qos))
        return true
    }
}
