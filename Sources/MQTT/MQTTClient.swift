import Dispatch
import Logging
import Synchronization

/// An MQTT client over libmosquitto that connects in the background and keeps reconnecting until stopped.
///
/// Create one per broker connection, set the handlers, `subscribe` to what you need and call `start()`. Each client
/// runs one network thread of its own (see `NetworkLoop` for why not libmosquitto's): inbound messages and
/// connection changes arrive on that thread, in order. Subscriptions are remembered and renewed on every
/// (re)connect, so a broker restart needs nothing from the caller. Reconnect delays double from
/// `reconnectDelayMin` to `reconnectDelayMax` and reset once connected.
///
/// Publishing with QoS 1 or 2 while disconnected queues the message in memory inside libmosquitto (unbounded); it
/// is sent after the next successful connect, as long as the client is not stopped first. QoS 0 while disconnected
/// fails with `no_connection`.
///
/// `stop()` disconnects cleanly, so the broker discards the last will. Dropping the last reference stops the client
/// too; no callback runs after deinitialisation.
public final class MQTTClient: Sendable {
    /// The configuration this client connects with.
    public let configuration: MQTTConfiguration
    let logger: Logger
    let handle: MosquittoHandle
    let network: NetworkLoop
    let state: Mutex<ClientState>
    /// Serialises `start()` and `stop()` from outside the network thread, so a stop never misses a thread being
    /// started. Never taken on the network thread.
    let lifecycle: Mutex<Void>

    /// Creates a client and applies its configuration to libmosquitto; nothing is sent until `start()`.
    ///
    /// - Parameters:
    ///   - configuration: Where and how to connect.
    ///   - logger: The logger for connects, disconnects and libmosquitto's own messages; metadata keys are dotted
    ///     (`mqtt.host`, `mqtt.port`, `mqtt.client_id`, `mqtt.error`).
    /// - Throws: `MQTTError` with code `invalid_argument` for a bad configuration, `tls` or `invalid_argument` for
    ///   unreadable TLS files, `out_of_memory` if libmosquitto cannot allocate.
    public init(configuration: MQTTConfiguration, logger: Logger) throws(MQTTError) {
        try configuration.validate()
        let handle = try MosquittoHandle(clientID: configuration.clientID, cleanSession: configuration.cleanSession)
        try handle.configure(configuration)
        var logger = logger
        logger[metadataKey: "mqtt.host"] = "\(configuration.host)"
        logger[metadataKey: "mqtt.port"] = "\(configuration.port)"
        logger[metadataKey: "mqtt.client_id"] = "\(configuration.clientID)"
        self.configuration = configuration
        self.logger = logger
        self.handle = handle
        self.network = NetworkLoop(
            handle: handle,
            reconnectDelayMin: configuration.reconnectDelayMin,
            reconnectDelayMax: configuration.reconnectDelayMax
        )
        self.state = Mutex(ClientState())
        self.lifecycle = Mutex(())
        // Unretained: deinit waits for the network thread to end, or silences the callbacks when it runs on it.
        // libmosquitto's lines are read only at debug level: its errors also come back as return codes, which the
        // client reports, and a line formatted per packet is a cost paid at the broker's full rate.
        unsafe handle.install(
            Self.callbacks,
            userData: Unmanaged.passUnretained(self).toOpaque(),
            forwardingLog: logger.logLevel <= .debug
        )
    }

    deinit {
        let (wasStarted, filters) = state.withLock { state in
            defer { state.phase = .stopped }
            return (state.phase == .started, releasableFilters(state))
        }
        guard wasStarted else { return }
        network.requestStop(unsubscribing: filters)
        if network.isCurrentThread {
            // Released inside a callback: the thread disconnects once the callback returns, but must not reach
            // this client any more. It keeps its own reference to the handle.
            unsafe handle.setUserData(nil)
        } else {
            network.waitUntilFinished()
        }
    }

    /// The current state of the connection.
    public var connectionState: MQTTConnectionState {
        state.withLock { $0.connection }
    }

    /// Why the client last failed to connect or lost its connection; `nil` once connected again.
    public var lastError: MQTTError? {
        state.withLock { $0.lastError }
    }

    /// Sets the handler for every inbound message.
    ///
    /// The handler runs on the client's network thread, one message at a time and in arrival order; while it runs,
    /// no other message is read, so a slow handler pushes back on the broker through TCP. Set it before `start()`,
    /// or retained messages delivered on subscribe may arrive with no handler and be dropped.
    ///
    /// - Parameter handler: Called with each message; must not call `stop()` and then wait for the client.
    public func setMessageHandler(_ handler: @escaping @Sendable (MQTTMessage) -> Void) {
        state.withLock { $0.messageHandler = .copying(handler) }
    }

    /// Sets the handler for every inbound message, given in libmosquitto's buffers instead of a copy: for a
    /// subscriber that copies what it keeps into storage of its own, at high message rates.
    ///
    /// It runs as `setMessageHandler(_:)`'s handler does; the message is valid only until it returns.
    ///
    /// - Parameter handler: Called with each message; must not call `stop()` and then wait for the client.
    public func setBorrowingMessageHandler(_ handler: @escaping @Sendable (MQTTBorrowedMessage) -> Void) {
        state.withLock { unsafe $0.messageHandler = .borrowing(handler) }
    }

    /// Sets the handler told about every change of `connectionState`.
    ///
    /// Called on the client's network thread for connects, refusals and losses, and on the caller's thread for
    /// the changes `start()` and `stop()` make themselves.
    ///
    /// - Parameter handler: Called with each new state.
    public func setConnectionHandler(_ handler: @escaping @Sendable (MQTTConnectionState) -> Void) {
        state.withLock { $0.connectionHandler = handler }
    }

    /// Subscribes to a topic filter now if connected, and again after every reconnect.
    ///
    /// - Parameters:
    ///   - filter: A topic filter; `+` and `#` wildcards are allowed.
    ///   - qos: The highest QoS the broker should deliver with.
    /// - Throws: `MQTTError` with code `invalid_argument` for a malformed filter, or what libmosquitto reports.
    public func subscribe(_ filter: String, qos: MQTTQoS) throws(MQTTError) {
        try MosquittoHandle.validateFilter(filter)
        let sendNow = state.withLock { state in
            state.remember(filter, qos: qos) && state.connection == .connected
        }
        guard sendNow else { return }
        do throws(MQTTError) {
            try handle.subscribe(filter, qos: qos)
        } catch {
            // Lost in between: the next connect renews every remembered filter.
            guard error.code == .noConnection else { throw error }
        }
    }

    /// Forgets a topic filter and unsubscribes from it if connected.
    ///
    /// - Parameter filter: A filter given to `subscribe(_:qos:)` before.
    /// - Throws: `MQTTError` if libmosquitto rejects the filter.
    public func unsubscribe(_ filter: String) throws(MQTTError) {
        let sendNow = state.withLock { state in
            state.subscriptions.removeAll { $0.filter == filter }
            return state.connection == .connected
        }
        guard sendNow else { return }
        do throws(MQTTError) {
            try handle.unsubscribe(filter)
        } catch {
            guard error.code == .noConnection else { throw error }
        }
    }

    /// Publishes a message.
    ///
    /// With QoS 1 or 2 the message is queued inside libmosquitto while disconnected and sent after the next
    /// connect; QoS 0 needs a live connection. A successful return means handed to libmosquitto, not delivered.
    ///
    /// - Parameters:
    ///   - topic: The topic, without wildcards.
    ///   - payload: The payload bytes.
    ///   - qos: The delivery guarantee.
    ///   - retain: Whether the broker keeps it as the topic's retained message.
    /// - Throws: `MQTTError` with code `no_connection` (QoS 0 while disconnected), `invalid_argument` (bad topic),
    ///   `payload_size`, `malformed_utf8`, or `invalid_state` after `stop()`.
    public func publish(topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool) throws(MQTTError) {
        guard state.withLock({ $0.phase != .stopped }) else {
            throw MQTTError(code: .invalidState, message: "the client is stopped", operation: "publish")
        }
        let sent = try handle.publish(topic: topic, payload: payload, qos: qos, retain: retain)
        if !sent {
            logger.debug("MQTT publish queued until reconnect", metadata: ["mqtt.topic": "\(topic)"])
        }
    }

    /// Blocks the calling thread until connected, or until the timeout.
    ///
    /// For start-up and tests; it waits on a semaphore, not by polling. Do not call it on a Swift concurrency
    /// executor you cannot afford to block, nor from the message or connection handler.
    ///
    /// - Parameter timeout: How long to wait at most.
    /// - Throws: `MQTTError` with code `timeout` (its message includes `lastError`), or `invalid_state` if the
    ///   client is stopped.
    public func waitUntilConnected(timeout: Duration) throws(MQTTError) {
        let semaphore = DispatchSemaphore(value: 0)
        let waiterID: Int? = try state.withLock { state throws(MQTTError) in
            if state.connection == .connected { return nil }
            guard state.phase != .stopped else {
                throw MQTTError(code: .invalidState, message: "the client is stopped", operation: "waitUntilConnected")
            }
            let id = state.nextWaiterID
            state.nextWaiterID += 1
            state.connectionWaiters[id] = semaphore
            return id
        }
        guard let waiterID else { return }
        _ = semaphore.wait(timeout: .now() + .nanoseconds(timeout.clampedNanoseconds))
        let (connection, phase, lastError) = state.withLock { state in
            state.connectionWaiters[waiterID] = nil
            return (state.connection, state.phase, state.lastError)
        }
        if connection == .connected { return }
        if phase == .stopped {
            throw MQTTError(code: .invalidState, message: "the client was stopped", operation: "waitUntilConnected")
        }
        var message = "not connected to \(configuration.host):\(configuration.port) within \(timeout)"
        if let lastError { message += "; last error: \(lastError)" }
        throw MQTTError(code: .timeout, message: message, operation: "waitUntilConnected")
    }
}

extension Duration {
    /// The duration in nanoseconds, clamped to `0...Int.max`, for Dispatch deadlines.
    var clampedNanoseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return .max }
        return Int(clamping: whole + attoseconds / 1_000_000_000)
    }
}
