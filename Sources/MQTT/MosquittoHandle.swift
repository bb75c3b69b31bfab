import CMosquitto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The libmosquitto callbacks a handle forwards to its owner, as C function pointers.
///
/// `@unsafe`: the functions receive raw pointers that are only valid during the call.
@unsafe
struct MosquittoCallbacks {
    typealias Connect = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, Int32, OpaquePointer?) -> Void
    typealias Disconnect = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, OpaquePointer?) -> Void
    typealias Message =
        @convention(c) (
            OpaquePointer?, UnsafeMutableRawPointer?, UnsafePointer<mosquitto_message>?, OpaquePointer?
        ) -> Void
    typealias Log = @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?) -> Void

    var connect: Connect
    var disconnect: Disconnect
    var message: Message
    var log: Log
}

/// The one owner of a libmosquitto client (`struct mosquitto *`): creates it, configures it, destroys it.
///
/// The pointer never leaves this type. Every libmosquitto return code goes through `check`.
///
/// `@unchecked Sendable` is sound because the only stored property is an immutable pointer, and libmosquitto guards
/// each client with its own mutexes, documenting its calls as thread safe (mosquitto.h, "Threads") once
/// `mosquitto_threaded_set` is on (done in `configure`). The calls that are not made for concurrency
/// (`configure`, `install`, `setUserData`, the `run`/`read`/`write` loop calls, `mosquitto_destroy`) are only made
/// before the network thread starts, on the network thread itself, or after it has ended.
/// `@safe`: the pointer is private and only ever passed to libmosquitto.
@safe
final class MosquittoHandle: @unchecked Sendable {
    private let raw: OpaquePointer

    /// Creates a libmosquitto client.
    ///
    /// - Parameters:
    ///   - clientID: The client identifier; empty lets libmosquitto pick a random one.
    ///   - cleanSession: Whether the broker should forget the session on disconnect.
    /// - Throws: `MQTTError` if libmosquitto cannot be initialised or rejects the identifier.
    init(clientID: String, cleanSession: Bool) throws(MQTTError) {
        try MosquittoLibrary.initialize()
        let created =
            unsafe clientID.isEmpty
            ? mosquitto_new(nil, cleanSession, nil)
            : mosquitto_new(clientID, cleanSession, nil)
        guard let created = unsafe created else {
            let outOfMemory = errno == ENOMEM
            throw MQTTError(
                code: outOfMemory ? .outOfMemory : .invalidArgument,
                message: outOfMemory ? "out of memory" : "libmosquitto rejected client id '\(clientID)'",
                operation: "mosquitto_new"
            )
        }
        unsafe raw = created
    }

    deinit {
        unsafe mosquitto_destroy(raw)
    }

    /// Applies everything of `configuration` that must be set before connecting.
    ///
    /// - Parameter configuration: A validated configuration.
    /// - Throws: `MQTTError` for the first option libmosquitto rejects (for example an unreadable TLS file).
    func configure(_ configuration: MQTTConfiguration) throws(MQTTError) {
        let version = configuration.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try check(unsafe mosquitto_int_option(raw, MOSQ_OPT_PROTOCOL_VERSION, version), "mosquitto_int_option")
        if let receiveMaximum = configuration.receiveMaximum {
            let rc = unsafe mosquitto_int_option(raw, MOSQ_OPT_RECEIVE_MAXIMUM, Int32(receiveMaximum))
            try check(rc, "mosquitto_int_option")
        }
        if configuration.protocolVersion == .v5 && !configuration.cleanSession {
            try askForLastingSession()
        }
        if let username = configuration.username {
            let rc = unsafe mosquitto_username_pw_set(raw, username, configuration.password)
            try check(rc, "mosquitto_username_pw_set")
        }
        if let will = configuration.will {
            try setWill(will)
        }
        if let tls = configuration.tls {
            try setTLS(tls)
        }
        // Our own network thread drives the client while other threads publish.
        try check(unsafe mosquitto_threaded_set(raw, true), "mosquitto_threaded_set")
    }

    /// Makes every connect of this handle ask an MQTT 5 broker to keep the session for good (session expiry
    /// interval 0xFFFFFFFF), as a persistent MQTT 3.1.1 session is kept.
    ///
    /// libmosquitto 2.0 has no asynchronous connect that takes CONNECT properties: only the blocking
    /// `mosquitto_connect_bind_v5` stores them, for itself and every later connect and reconnect. It stores them
    /// before it checks its other arguments, so a call with port -1 stores them and connects nowhere. The MQTT tests
    /// prove that a session survives a reconnect under MQTT 5 with the libmosquitto in use.
    private func askForLastingSession() throws(MQTTError) {
        var properties: OpaquePointer?
        defer { unsafe mosquitto_property_free_all(&properties) }
        let sessionExpiry = Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue)
        let added = unsafe mosquitto_property_add_int32(&properties, sessionExpiry, UInt32.max)
        try check(added, "mosquitto_property_add_int32")
        let rc = unsafe mosquitto_connect_bind_v5(raw, "", -1, 0, nil, properties)
        guard rc == MOSQ_ERR_INVAL.rawValue else {
            try check(rc, "mosquitto_connect_bind_v5")
            throw MQTTError(
                code: .unknown,
                message: "libmosquitto accepted port -1; it cannot be asked for a lasting MQTT 5 session this way",
                operation: "mosquitto_connect_bind_v5"
            )
        }
    }

    private func setWill(_ will: MQTTWill) throws(MQTTError) {
        guard let length = Int32(exactly: will.payload.count) else {
            throw MQTTError(code: .payloadSize, message: "will payload too large", operation: "mosquitto_will_set")
        }
        let rc = unsafe will.payload.withUnsafeBytes { bytes in
            unsafe mosquitto_will_set(raw, will.topic, length, bytes.baseAddress, will.qos.rawValue, will.retain)
        }
        try check(rc, "mosquitto_will_set")
    }

    private func setTLS(_ tls: MQTTTLSConfiguration) throws(MQTTError) {
        if tls.caFile == nil && tls.caPath == nil {
            try check(unsafe mosquitto_int_option(raw, MOSQ_OPT_TLS_USE_OS_CERTS, 1), "mosquitto_int_option")
        } else {
            let rc = unsafe mosquitto_tls_set(raw, tls.caFile, tls.caPath, tls.certificateFile, tls.keyFile, nil)
            try check(rc, "mosquitto_tls_set")
        }
        try check(unsafe mosquitto_tls_insecure_set(raw, tls.insecureSkipHostnameCheck), "mosquitto_tls_insecure_set")
    }

    /// Installs the callbacks and the pointer they receive as user data.
    ///
    /// - Parameters:
    ///   - callbacks: The C functions to call from the network thread.
    ///   - userData: The owner, as an unretained opaque pointer.
    ///   - forwardingLog: Whether to install the log callback. Once one is set, libmosquitto formats a line for every
    ///     packet (a malloc and a vsnprintf per message, two per QoS 1 message) whatever its level.
    func install(_ callbacks: MosquittoCallbacks, userData: UnsafeMutableRawPointer?, forwardingLog: Bool) {
        unsafe mosquitto_user_data_set(raw, userData)
        unsafe mosquitto_connect_v5_callback_set(raw, callbacks.connect)
        unsafe mosquitto_disconnect_v5_callback_set(raw, callbacks.disconnect)
        unsafe mosquitto_message_v5_callback_set(raw, callbacks.message)
        if forwardingLog { unsafe mosquitto_log_callback_set(raw, callbacks.log) }
    }

    /// Replaces the user data the callbacks receive; `nil` turns every later callback into a no-op.
    ///
    /// Only call it before the network thread starts or on the network thread itself: libmosquitto reads the field
    /// without a lock.
    func setUserData(_ userData: UnsafeMutableRawPointer?) {
        unsafe mosquitto_user_data_set(raw, userData)
    }

    /// Starts a non-blocking connect; the network thread completes it.
    func connectAsync(host: String, port: Int, keepAliveSeconds: Int) throws(MQTTError) {
        let rc = unsafe mosquitto_connect_async(raw, host, Int32(port), Int32(keepAliveSeconds))
        try check(rc, "mosquitto_connect_async")
    }

    /// Starts a non-blocking reconnect to the host and port of the last connect.
    func reconnectAsync() throws(MQTTError) {
        try check(unsafe mosquitto_reconnect_async(raw), "mosquitto_reconnect_async")
    }

    /// Runs one round of libmosquitto's network loop: waits up to `timeoutMilliseconds` for the socket (or a
    /// wake-up from another thread's publish), then reads, writes and handles keepalive; callbacks run in here.
    ///
    /// - Throws: `MQTTError` when the connection broke (libmosquitto has closed the socket and called the
    ///   disconnect callback) or there is no connection.
    func runLoop(timeoutMilliseconds: Int32) throws(MQTTError) {
        try check(unsafe mosquitto_loop(raw, timeoutMilliseconds, 1), "mosquitto_loop")
    }

    /// Reads the packets already waiting on the socket, one after another without a `select()` before each, until
    /// a read would block or `limit` packets were read; callbacks run in here.
    ///
    /// libmosquitto's own loop waits in `select()` before every packet, a system call per message that costs as
    /// much as reading the message. libmosquitto itself tells a read that would block by `errno` (`EAGAIN`) after a
    /// successful return, which is why `errno` is cleared before each read.
    ///
    /// - Returns: how many whole packets were read.
    /// - Throws: `MQTTError` when the connection broke.
    func readWaitingPackets(limit: Int) throws(MQTTError) -> Int {
        var packets = 0
        while packets < limit {
            errno = 0
            try check(unsafe mosquitto_loop_read(raw, 1), "mosquitto_loop_read")
            if errno == EAGAIN || errno == EWOULDBLOCK || socketDescriptor == nil { break }
            packets += 1
        }
        return packets
    }

    /// Reads and handles inbound packets without writing; callbacks run in here.
    func readPending() throws(MQTTError) {
        try check(unsafe mosquitto_loop_read(raw, 1), "mosquitto_loop_read")
    }

    /// Writes queued packets without reading anything.
    func writePending() throws(MQTTError) {
        try check(unsafe mosquitto_loop_write(raw, 1), "mosquitto_loop_write")
    }

    /// The connected (or connecting) socket, or `nil` when there is none.
    var socketDescriptor: Int32? {
        let descriptor = unsafe mosquitto_socket(raw)
        return descriptor >= 0 ? descriptor : nil
    }

    /// Whether packets are queued for the socket.
    var wantsWrite: Bool {
        unsafe mosquitto_want_write(raw)
    }

    /// Queues DISCONNECT if connected; `writePending()` sends it.
    func disconnect() {
        _ = unsafe mosquitto_disconnect(raw)
    }

    /// Publishes, or for QoS > 0 queues while disconnected.
    ///
    /// - Returns: `true` if sent or handed to the socket, `false` if queued for the next connection.
    /// - Throws: `MQTTError` if libmosquitto rejected the message (QoS 0 without connection included).
    func publish(topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool) throws(MQTTError) -> Bool {
        guard let length = Int32(exactly: payload.count) else {
            throw MQTTError(code: .payloadSize, message: "payload too large", operation: "mosquitto_publish")
        }
        let rc = unsafe payload.withUnsafeBytes { bytes in
            unsafe mosquitto_publish(raw, nil, topic, length, bytes.baseAddress, qos.rawValue, retain)
        }
        // libmosquitto keeps QoS > 0 messages in its outgoing queue when the socket is gone and sends them after the
        // next CONNACK; only QoS 0 is really lost.
        if rc == MOSQ_ERR_NO_CONN.rawValue && qos != .atMostOnce {
            return false
        }
        try check(rc, "mosquitto_publish")
        return true
    }

    /// Sends SUBSCRIBE for one filter.
    func subscribe(_ filter: String, qos: MQTTQoS) throws(MQTTError) {
        try check(unsafe mosquitto_subscribe(raw, nil, filter, qos.rawValue), "mosquitto_subscribe")
    }

    /// Sends UNSUBSCRIBE for one filter.
    func unsubscribe(_ filter: String) throws(MQTTError) {
        try check(unsafe mosquitto_unsubscribe(raw, nil, filter), "mosquitto_unsubscribe")
    }

    /// Checks a subscription filter's syntax (wildcards, UTF-8) without sending anything.
    static func validateFilter(_ filter: String) throws(MQTTError) {
        try check(unsafe mosquitto_sub_topic_check(filter), "mosquitto_sub_topic_check")
    }

    /// Checks a publication topic's syntax (no wildcards, UTF-8) without sending anything.
    static func validateTopic(_ topic: String) throws(MQTTError) {
        try check(unsafe mosquitto_pub_topic_check(topic), "mosquitto_pub_topic_check")
    }
}
