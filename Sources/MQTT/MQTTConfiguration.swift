/// Everything an `MQTTClient` needs to reach and log in to its broker, validated once by `MQTTClient.init`.
public struct MQTTConfiguration: Sendable, Equatable {
    /// The broker's host name or IP address.
    public var host: String
    /// The broker's TCP port (1883 for plain MQTT, 8883 by convention for TLS).
    public var port: Int
    /// The client identifier; empty asks libmosquitto for a random one (only with `cleanSession`).
    public var clientID: String
    /// The user name to log in with, if the broker requires one.
    public var username: String?
    /// The password to log in with; requires `username`.
    public var password: String?
    /// The MQTT protocol revision to speak.
    public var protocolVersion: MQTTProtocolVersion
    /// Seconds between keepalive pings; 0 disables them, otherwise at least 5 (a libmosquitto limit).
    public var keepAliveSeconds: Int
    /// Whether the broker forgets the session (subscriptions, queued QoS>0 messages) on disconnect.
    ///
    /// `false` under MQTT 5 asks for a session that never expires (the session expiry interval 0xFFFFFFFF), as a
    /// persistent MQTT 3.1.1 session does; subscriptions are renewed on every connect anyway.
    public var cleanSession: Bool
    /// How many QoS 1 and 2 messages the broker may send before their acknowledgements come back (MQTT 5's receive
    /// maximum, 1...65535); `nil` keeps libmosquitto's 20. MQTT 3.1.1 has no such field: the broker's own
    /// `max_inflight_messages` applies, and past it, its queue limit.
    public var receiveMaximum: Int?
    /// TLS settings; `nil` for a plain TCP connection.
    public var tls: MQTTTLSConfiguration?
    /// The last will the broker publishes if this client vanishes without a clean disconnect.
    public var will: MQTTWill?
    /// The delay before the first reconnect after a loss or refusal; at least 10 ms.
    public var reconnectDelayMin: Duration
    /// The ceiling of the reconnect delay, which doubles after every failed attempt.
    public var reconnectDelayMax: Duration

    /// Creates a configuration.
    ///
    /// - Parameters:
    ///   - host: The broker's host name or IP address.
    ///   - port: The broker's TCP port.
    ///   - clientID: The client identifier, unique per broker.
    ///   - username: The user name to log in with.
    ///   - password: The password to log in with; requires `username`.
    ///   - protocolVersion: The MQTT protocol revision.
    ///   - keepAliveSeconds: Seconds between keepalive pings (0, or 5 and more).
    ///   - cleanSession: Whether the broker forgets the session on disconnect.
    ///   - receiveMaximum: The MQTT 5 receive maximum, or `nil` for libmosquitto's.
    ///   - tls: TLS settings, or `nil` for plain TCP.
    ///   - will: The last will, or `nil`.
    ///   - reconnectDelayMin: The first reconnect delay.
    ///   - reconnectDelayMax: The largest reconnect delay.
    public init(
        host: String,
        port: Int = 1883,
        clientID: String,
        username: String? = nil,
        password: String? = nil,
        protocolVersion: MQTTProtocolVersion = .v311,
        keepAliveSeconds: Int = 60,
        cleanSession: Bool = true,
        receiveMaximum: Int? = nil,
        tls: MQTTTLSConfiguration? = nil,
        will: MQTTWill? = nil,
        reconnectDelayMin: Duration = .seconds(1),
        reconnectDelayMax: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.username = username
        self.password = password
        self.protocolVersion = protocolVersion
        self.keepAliveSeconds = keepAliveSeconds
        self.cleanSession = cleanSession
        self.receiveMaximum = receiveMaximum
        self.tls = tls
        self.will = will
        self.reconnectDelayMin = reconnectDelayMin
        self.reconnectDelayMax = reconnectDelayMax
    }

    /// Checks the values libmosquitto would reject late or silently.
    ///
    /// - Throws: `MQTTError` with code `invalid_argument` naming the offending field.
    func validate() throws(MQTTError) {
        func invalid(_ message: String) -> MQTTError {
            MQTTError(code: .invalidArgument, message: message, operation: "MQTTConfiguration")
        }
        if host.isEmpty { throw invalid("host is empty") }
        if !(1...65535).contains(port) { throw invalid("port \(port) is outside 1...65535") }
        if keepAliveSeconds != 0 && !(5...65535).contains(keepAliveSeconds) {
            throw invalid("keepAliveSeconds \(keepAliveSeconds) must be 0 or within 5...65535")
        }
        if clientID.isEmpty && !cleanSession { throw invalid("an empty clientID needs cleanSession") }
        if let receiveMaximum {
            if protocolVersion != .v5 { throw invalid("receiveMaximum needs MQTT 5") }
            if !(1...65535).contains(receiveMaximum) {
                throw invalid("receiveMaximum \(receiveMaximum) is outside 1...65535")
            }
        }
        if password != nil && username == nil { throw invalid("password is set without username") }
        if reconnectDelayMin < .milliseconds(10) { throw invalid("reconnectDelayMin must be at least 10 ms") }
        if reconnectDelayMax < reconnectDelayMin {
            throw invalid("reconnectDelayMax must not be below reconnectDelayMin")
        }
        if let tls, (tls.certificateFile == nil) != (tls.keyFile == nil) {
            throw invalid("tls.certificateFile and tls.keyFile must be given together")
        }
    }
}
