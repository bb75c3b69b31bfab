import Foundation

/// How the daemon reaches its MQTT broker.
public struct BrokerSettings: Sendable, Equatable {
    /// The MQTT protocol revision to speak.
    public enum ProtocolVersion: String, Sendable, Equatable, CaseIterable {
        /// MQTT 5.0, the default: it lets Kerbside raise the broker's in-flight window (receive maximum).
        case v5
        /// MQTT 3.1.1, for brokers and bridges that have not moved on.
        case v311
    }

    public var host: String
    public var port: Int
    public var clientID: String
    public var username: String?
    /// Given inline or read from `password_file` at load time, so nothing later touches the file system.
    public var password: String?
    public var protocolVersion: ProtocolVersion
    public var keepAlive: TimeInterval
    /// `nil` connects in plain TCP.
    public var tls: TLSSettings?
    /// The first reconnect delay; it doubles up to `reconnectMax`.
    public var reconnectMin: TimeInterval
    public var reconnectMax: TimeInterval

    /// Creates settings; the defaults are those of the configuration file.
    public init(
        host: String = "127.0.0.1",
        port: Int = 1883,
        clientID: String = "kerbsided-default",
        username: String? = nil,
        password: String? = nil,
        protocolVersion: ProtocolVersion = .v5,
        keepAlive: TimeInterval = 30,
        tls: TLSSettings? = nil,
        reconnectMin: TimeInterval = 1,
        reconnectMax: TimeInterval = 30
    ) {
        self.host = host
        self.port = port
        self.clientID = clientID
        self.username = username
        self.password = password
        self.protocolVersion = protocolVersion
        self.keepAlive = keepAlive
        self.tls = tls
        self.reconnectMin = reconnectMin
        self.reconnectMax = reconnectMax
    }
}

/// TLS towards the broker. Paths are absolute and were readable when the configuration was loaded.
public struct TLSSettings: Sendable, Equatable {
    /// PEM bundle of the CAs to trust.
    public var caFile: String?
    /// Directory of hashed CA certificates (`c_rehash` layout).
    public var caPath: String?
    /// Client certificate, for brokers that authenticate clients by certificate; always given with `keyFile`.
    public var certFile: String?
    public var keyFile: String?
    /// Accept a certificate whose name does not match `host`; for test brokers only.
    public var insecureSkipHostnameCheck: Bool

    /// Creates TLS settings.
    public init(
        caFile: String? = nil,
        caPath: String? = nil,
        certFile: String? = nil,
        keyFile: String? = nil,
        insecureSkipHostnameCheck: Bool = false
    ) {
        self.caFile = caFile
        self.caPath = caPath
        self.certFile = certFile
        self.keyFile = keyFile
        self.insecureSkipHostnameCheck = insecureSkipHostnameCheck
    }
}
