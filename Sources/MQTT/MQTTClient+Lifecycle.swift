import Logging

extension MQTTClient {
    /// Starts connecting in the background and returns at once.
    ///
    /// The connection comes asynchronously (see `connectionState`, `setConnectionHandler(_:)`,
    /// `waitUntilConnected(timeout:)`). A broker that is down or unreachable is not an error here: the client reports
    /// `.disconnected` and retries with the configured backoff until `stop()`. Calling `start()` again is a no-op.
    ///
    /// - Throws: `MQTTError` with code `invalid_state` after `stop()`, or what libmosquitto reports when it cannot
    ///   even begin (for example `invalid_argument`).
    public func start() throws(MQTTError) {
        let (isStarting, connectingHandler) = try state.withLock {
            state throws(MQTTError) -> (Bool, ClientState.ConnectionHandler?) in
            switch state.phase {
            case .started:
                return (false, nil)
            case .stopped:
                throw MQTTError(
                    code: .invalidState,
                    message: "start() after stop(); create a new client",
                    operation: "start"
                )
            case .idle:
                state.phase = .started
                return (true, state.setConnection(.connecting))
            }
        }
        guard isStarting else { return }
        connectingHandler?(.connecting)
        logger.info(
            "MQTT connecting",
            metadata: [
                "mqtt.protocol": "\(configuration.protocolVersion)",
                "mqtt.tls": "\(configuration.tls != nil)",
                "mqtt.libmosquitto": "\(MosquittoLibrary.version)",
            ]
        )

        var firstAttemptError: MQTTError?
        do throws(MQTTError) {
            try lifecycle.withLock { _ throws(MQTTError) in
                guard isStarted else { return }
                do throws(MQTTError) {
                    try handle.connectAsync(
                        host: configuration.host,
                        port: configuration.port,
                        keepAliveSeconds: configuration.keepAliveSeconds
                    )
                } catch {
                    // The network thread retries these; anything else is a caller error.
                    guard Self.isRetryable(error) else { throw error }
                    firstAttemptError = error
                }
                try network.start { [weak self] error, retryDelay in
                    self?.didFailToConnect(error, retryIn: retryDelay)
                }
            }
        } catch {
            let handler = state.withLock { state -> ClientState.ConnectionHandler? in
                state.phase = .idle
                state.lastError = error
                return state.setConnection(.disconnected)
            }
            logger.error("MQTT could not start", metadata: ["mqtt.error": "\(error)"])
            handler?(.disconnected)
            throw error
        }
        if let firstAttemptError {
            let handler = state.withLock { state -> ClientState.ConnectionHandler? in
                state.lastError = firstAttemptError
                return state.phase == .started ? state.setConnection(.disconnected) : nil
            }
            logger.warning(
                "MQTT connect failed; retrying in the background",
                metadata: [
                    "mqtt.error": "\(firstAttemptError)", "mqtt.error_code": "\(firstAttemptError.code)",
                    "mqtt.retry_in": "\(network.delay(beforeAttempt: 0))",
                ]
            )
            handler?(.disconnected)
        }
    }

    /// Disconnects cleanly and ends the network thread; idempotent, and final: the client cannot start again.
    ///
    /// Unsubscribes (with a clean session), handles what the broker sends until it goes quiet (at most a second),
    /// writes out what is queued (acknowledgements, QoS > 0 publications) followed by DISCONNECT, so the broker
    /// discards the last will; publishes nothing of its own.
    /// QoS > 0 publications still waiting for a connection are lost. The handlers are released (breaking cycles
    /// through them) once the network thread has ended. Called from a handler, it returns at once, drops further
    /// messages, and the network thread disconnects when the handler returns.
    public func stop() {
        let isOnNetworkThread = network.isCurrentThread
        let outcome = state.withLock { state -> (Bool, [String], ClientState.ConnectionHandler?)? in
            guard state.phase != .stopped else { return nil }
            let wasStarted = state.phase == .started
            let filters = releasableFilters(state)
            state.phase = .stopped
            let handler = state.setConnection(.disconnected)
            state.connectionHandler = nil
            if isOnNetworkThread {
                state.messageHandler = nil
            }
            return (wasStarted, filters, handler)
        }
        guard let (wasStarted, filters, handler) = outcome else { return }
        if wasStarted {
            network.requestStop(unsubscribing: filters)
            if !isOnNetworkThread {
                lifecycle.withLock { _ in
                    network.waitUntilFinished()
                }
            }
            logger.info("MQTT stopped")
        }
        // Messages read while disconnecting still reached the handler; now release it, and any cycle through it.
        state.withLock { $0.messageHandler = nil }
        handler?(.disconnected)
    }

    /// The filters to unsubscribe from before disconnecting: all of them, unless the broker keeps the session for
    /// the next connection, which must then still hold them.
    func releasableFilters(_ state: borrowing ClientState) -> [String] {
        configuration.cleanSession ? state.subscriptions.map(\.filter) : []
    }

    var isStarted: Bool {
        state.withLock { $0.phase == .started }
    }

    /// Whether a failed first connect is left to the network thread's retries rather than reported to the caller.
    static func isRetryable(_ error: MQTTError) -> Bool {
        switch error.code {
        case .system, .connectionRefused, .lookup, .timeout, .connectionLost, .tls: true
        default: false
        }
    }

    /// Records a reconnect that failed before libmosquitto had a socket, which no callback reports.
    func didFailToConnect(_ error: MQTTError, retryIn delay: Duration) {
        let handler = state.withLock { state -> ClientState.ConnectionHandler? in
            guard state.phase == .started, !state.isRefused else { return nil }
            state.lastError = error
            return state.setConnection(.disconnected)
        }
        logger.debug("MQTT reconnect failed", metadata: ["mqtt.error": "\(error)", "mqtt.retry_in": "\(delay)"])
        handler?(.disconnected)
    }
}
