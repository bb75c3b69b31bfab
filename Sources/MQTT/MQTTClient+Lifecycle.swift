import CMosquitto
import Dispatch
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
                    code: .invalidState, message: "start() after stop(); create a new client", operation: "start")
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
            ])

        var firstAttemptError: MQTTError?
        do throws(MQTTError) {
            try lifecycle.withLock { _ throws(MQTTError) in
                guard isStarted else { return }
                do throws(MQTTError) {
                    try handle.connectAsync(
                        host: configuration.host, port: configuration.port,
                        keepAliveSeconds: configuration.keepAliveSeconds)
                } catch {
                    // Retried by `retryConnect`; anything else is a caller error.
                    guard Self.isRetryable(error) else { throw error }
                    firstAttemptError = error
                    return
                }
                try handle.startLoop()
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
            let (handler, delay) = state.withLock { state -> (ClientState.ConnectionHandler?, Duration) in
                state.lastError = firstAttemptError
                state.connectRetries = 1
                return (state.phase == .started ? state.setConnection(.disconnected) : nil, retryDelay(attempt: 0))
            }
            logger.warning(
                "MQTT connect failed; retrying in the background",
                metadata: ["mqtt.error": "\(firstAttemptError)", "mqtt.error_code": "\(firstAttemptError.code)"])
            scheduleConnectRetry(after: delay)
            handler?(.disconnected)
        }
    }

    /// Disconnects cleanly and ends the network thread; idempotent, and final: the client cannot start again.
    ///
    /// Sends DISCONNECT if connected, so the broker discards the last will. Publishes nothing. Messages still
    /// queued for a connection are dropped. The handlers are released (breaking cycles through them) after the
    /// connection handler has been told `.disconnected`. Called from a handler, it returns without waiting for the
    /// network thread, which ends when the handler returns.
    public func stop() {
        let outcome = state.withLock { state -> (Bool, Bool, ClientState.ConnectionHandler?)? in
            guard state.phase != .stopped else { return nil }
            let wasStarted = state.phase == .started
            state.phase = .stopped
            let handler = state.setConnection(.disconnected)
            state.messageHandler = nil
            state.connectionHandler = nil
            return (wasStarted, state.isOnNetworkThread, handler)
        }
        guard let (wasStarted, isOnNetworkThread, handler) = outcome else { return }
        if wasStarted {
            // Disconnect before waiting for the lifecycle lock: a loop restart holding it may be joining a thread
            // that only ends once it sees the disconnect.
            handle.disconnect()
            if !isOnNetworkThread {
                lifecycle.withLock { _ in
                    // Again, in case a restart reconnected in between.
                    handle.disconnect()
                    handle.joinLoop()
                }
                state.withLock { $0.networkThread = nil }
            }
            logger.info("MQTT stopped")
        }
        handler?(.disconnected)
    }

    var isStarted: Bool {
        state.withLock { $0.phase == .started }
    }

    /// Whether libmosquitto's network thread keeps retrying after `error`, rather than the caller having to act.
    static func isRetryable(_ error: MQTTError) -> Bool {
        switch error.code {
        case .system, .connectionRefused, .lookup, .timeout, .connectionLost: true
        default: false
        }
    }

    /// Whether libmosquitto's network thread ends instead of reconnecting after a disconnect with `returnCode`.
    ///
    /// Mirrors the "fatal errors" of `mosquitto_loop_forever` in libmosquitto 2.0 (lib/loop.c).
    static func endsNetworkThread(returnCode: Int32, errno systemError: Int32) -> Bool {
        if systemError == EPROTO { return true }
        return switch mosq_err_t(rawValue: returnCode) {
        case MOSQ_ERR_NOMEM, MOSQ_ERR_PROTOCOL, MOSQ_ERR_INVAL, MOSQ_ERR_NOT_FOUND, MOSQ_ERR_TLS,
            MOSQ_ERR_PAYLOAD_SIZE, MOSQ_ERR_NOT_SUPPORTED, MOSQ_ERR_AUTH, MOSQ_ERR_ACL_DENIED, MOSQ_ERR_UNKNOWN,
            MOSQ_ERR_EAI, MOSQ_ERR_PROXY:
            true
        default:
            false
        }
    }

    /// The delay before the `attempt`-th retry (from 0): doubling from the minimum reconnect delay to the maximum.
    func retryDelay(attempt: Int) -> Duration {
        var delay = configuration.reconnectDelayMin
        for _ in 0..<min(attempt, 16) where delay < configuration.reconnectDelayMax {
            delay *= 2
        }
        return min(delay, configuration.reconnectDelayMax)
    }

    /// Tries to connect again after `delay`, for the cases libmosquitto's network thread does not cover itself.
    ///
    /// Those are a first connect that failed at once (libmosquitto 2.0.11's thread then waits forever instead of
    /// retrying, so no thread is started until a connect is under way) and a thread that libmosquitto ended on a
    /// "fatal" error (a refusal under MQTT 5, a TLS failure) that a daemon should nevertheless survive.
    func scheduleConnectRetry(after delay: Duration) {
        restartQueue.asyncAfter(deadline: .now() + .nanoseconds(delay.clampedNanoseconds)) { [weak self] in
            self?.retryConnect()
        }
    }

    private func retryConnect() {
        let failure: MQTTError? = lifecycle.withLock { _ in
            guard isStarted else { return nil }
            // A thread that ended on a fatal error must be joined before another one starts.
            handle.joinLoop()
            state.withLock { $0.networkThread = nil }
            guard isStarted else { return nil }
            do throws(MQTTError) {
                try handle.reconnectAsync()
                try handle.startLoop()
                return nil
            } catch {
                return error
            }
        }
        guard let failure else { return }
        let delay = state.withLock { state -> Duration? in
            guard state.phase == .started else { return nil }
            if !state.isRefused {
                state.lastError = failure
            }
            state.connectRetries += 1
            return retryDelay(attempt: state.connectRetries - 1)
        }
        guard let delay else { return }
        logger.debug(
            "MQTT connect retry failed", metadata: ["mqtt.error": "\(failure)", "mqtt.retry_in": "\(delay)"])
        scheduleConnectRetry(after: delay)
    }
}
