import CMosquitto
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension MQTTClient {
    /// The C callbacks libmosquitto calls; each finds its client through the unretained user data.
    ///
    /// They copy every C buffer into Swift values before doing anything else, and save and restore `errno`, which
    /// libmosquitto reads after some callbacks.
    static var callbacks: MosquittoCallbacks {
        unsafe MosquittoCallbacks(
            connect: { _, userData, reasonCode, flags, _ in
                unsafe MQTTClient.withOwner(userData) { $0.didConnect(reasonCode: reasonCode, flags: flags) }
            },
            disconnect: { _, userData, returnCode, _ in
                unsafe MQTTClient.withOwner(userData) { $0.didDisconnect(returnCode: returnCode) }
            },
            message: { _, userData, message, _ in
                guard let message = unsafe message?.pointee else { return }
                let borrowed = unsafe MQTTBorrowedMessage(inPlace: message)
                unsafe MQTTClient.withOwner(userData) { unsafe $0.didReceive(borrowed) }
            },
            log: { _, userData, level, text in
                guard let text = unsafe text else { return }
                let copy = unsafe String(cString: text)
                unsafe MQTTClient.withOwner(userData) { $0.didLog(level: level, copy) }
            }
        )
    }

    /// Runs `body` with the client behind `userData`, holding a strong reference for the call.
    ///
    /// The pointer is valid: deinit waits for the network thread to end (or, when it runs on that thread, clears
    /// the user data first), so no callback outlives the client.
    fileprivate static func withOwner(_ userData: UnsafeMutableRawPointer?, _ body: (MQTTClient) -> Void) {
        guard let userData = unsafe userData else { return }
        let savedErrno = errno
        defer { errno = savedErrno }
        let owner = unsafe Unmanaged<MQTTClient>.fromOpaque(userData).takeUnretainedValue()
        body(owner)
    }

    func didConnect(reasonCode: Int32, flags: Int32) {
        guard reasonCode == 0 else {
            didRefuse(MQTTError(connackCode: reasonCode, protocolVersion: configuration.protocolVersion))
            return
        }
        let (subscriptions, handler) = state.withLock {
            state -> ([(filter: String, qos: MQTTQoS)], ClientState.ConnectionHandler?) in
            state.lastError = nil
            guard state.phase == .started else { return ([], nil) }
            return (state.subscriptions, state.setConnection(.connected))
        }
        network.noteConnected()
        logger.info(
            "MQTT connected",
            metadata: [
                "mqtt.session_present": "\(flags & 1 != 0)",
                "mqtt.subscriptions": "\(subscriptions.count)",
            ]
        )
        for (filter, qos) in subscriptions {
            do throws(MQTTError) {
                try handle.subscribe(filter, qos: qos)
            } catch {
                logger.warning(
                    "MQTT subscribe failed",
                    metadata: ["mqtt.topic_filter": "\(filter)", "mqtt.error": "\(error)"]
                )
            }
        }
        // Last: the handler may drop the final reference to this client.
        handler?(.connected)
    }

    private func didRefuse(_ error: MQTTError) {
        let handler = state.withLock { state -> ClientState.ConnectionHandler? in
            state.lastError = error
            return state.phase == .started ? state.setConnection(.refused(error)) : nil
        }
        logger.error(
            "MQTT broker refused the connection",
            metadata: ["mqtt.error": "\(error)", "mqtt.error_code": "\(error.code)"]
        )
        handler?(.refused(error))
    }

    func didDisconnect(returnCode: Int32) {
        let error = returnCode == 0 ? nil : MQTTError(returnCode: returnCode, operation: "connection")
        let (handler, wasRefused) = state.withLock { state -> (ClientState.ConnectionHandler?, Bool) in
            guard state.phase == .started else { return (nil, false) }
            // A refusal says more than the disconnect that follows it: keep it as the state.
            guard !state.isRefused else { return (nil, true) }
            if let error { state.lastError = error }
            return (state.setConnection(.disconnected), false)
        }
        if let error, !wasRefused {
            logger.warning(
                "MQTT connection lost; reconnecting",
                metadata: ["mqtt.error": "\(error)", "mqtt.error_code": "\(error.code)"]
            )
        } else {
            logger.info("MQTT disconnected", metadata: ["mqtt.error": "\(error.map { "\($0)" } ?? "none")"])
        }
        handler?(.disconnected)
    }

    func didReceive(_ message: MQTTBorrowedMessage) {
        switch state.withLock({ $0.messageHandler }) {
        case .borrowing(let handler):
            unsafe handler(message)
        case .copying(let handler):
            unsafe handler(message.copy())
        case nil:
            logger.debug(
                "MQTT message without handler dropped",
                metadata: ["mqtt.topic": "\(unsafe String(decoding: message.topic, as: UTF8.self))"]
            )
        }
    }

    func didLog(level: Int32, _ text: String) {
        let logLevel: Logger.Level =
            switch level {
            case MOSQ_LOG_ERR: .warning
            case MOSQ_LOG_WARNING: .notice
            case MOSQ_LOG_DEBUG: .trace
            default: .debug
            }
        logger.log(level: logLevel, "\(text)", metadata: ["mqtt.source": "libmosquitto"])
    }
}

extension MQTTBorrowedMessage {
    /// Views a libmosquitto message in its C buffers, which are freed once the callback returns.
    init(inPlace message: mosquitto_message) {
        let topic = unsafe message.topic.map { unsafe UnsafeRawBufferPointer(start: $0, count: strlen($0)) }
        let payloadCount = unsafe message.payload == nil ? 0 : Int(max(message.payloadlen, 0))
        unsafe self.init(
            topic: unsafe topic ?? UnsafeRawBufferPointer(start: nil, count: 0),
            payload: unsafe UnsafeRawBufferPointer(start: message.payload, count: payloadCount),
            qos: MQTTQoS(rawValue: message.qos) ?? .atMostOnce,
            retain: message.retain
        )
    }
}
