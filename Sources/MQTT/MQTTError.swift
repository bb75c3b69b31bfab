/// A failure of the MQTT client, libmosquitto or the broker, with a stable `code` to branch on.
///
/// `message` is for people and may change between libmosquitto versions; `code` does not. `returnCode` keeps the
/// underlying libmosquitto `MOSQ_ERR_*` value and `reasonCode` the broker's CONNACK code when there is one.
public struct MQTTError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error category, spelled in snake case (`"not_authorized"`).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The stable spelling, for logs, metrics and configuration.
        public let rawValue: String

        /// Creates a code from its stable spelling.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public var description: String { rawValue }

        /// An argument (topic, QoS, configuration value) was rejected before anything was sent.
        public static let invalidArgument = Code(rawValue: "invalid_argument")
        /// The call needs a live connection and there is none (QoS 0 publish while disconnected).
        public static let noConnection = Code(rawValue: "no_connection")
        /// Nothing listens at the broker address, or the broker refused the connection for an unnamed reason.
        public static let connectionRefused = Code(rawValue: "connection_refused")
        /// An established connection dropped.
        public static let connectionLost = Code(rawValue: "connection_lost")
        /// The broker rejected the credentials or the client is not allowed to connect.
        public static let notAuthorized = Code(rawValue: "not_authorized")
        /// The broker's access control list denied the operation.
        public static let aclDenied = Code(rawValue: "acl_denied")
        /// The TLS handshake or a TLS file failed.
        public static let tls = Code(rawValue: "tls")
        /// A payload or packet exceeds what MQTT or the broker allows.
        public static let payloadSize = Code(rawValue: "payload_size")
        /// The peer broke the MQTT protocol.
        public static let protocolError = Code(rawValue: "protocol")
        /// The broker does not speak the requested protocol version.
        public static let unsupportedProtocolVersion = Code(rawValue: "unsupported_protocol_version")
        /// The broker rejected the client identifier.
        public static let clientIDRejected = Code(rawValue: "client_id_rejected")
        /// The broker is unavailable, busy, shutting down or pointing elsewhere.
        public static let serverUnavailable = Code(rawValue: "server_unavailable")
        /// The broker host name could not be resolved.
        public static let lookup = Code(rawValue: "lookup")
        /// The keepalive exchange timed out.
        public static let keepaliveTimeout = Code(rawValue: "keepalive_timeout")
        /// A wait with a deadline ran out.
        public static let timeout = Code(rawValue: "timeout")
        /// A topic or string is not valid UTF-8.
        public static let malformedUTF8 = Code(rawValue: "malformed_utf8")
        /// The operation or option is not supported by this libmosquitto build or the broker.
        public static let notSupported = Code(rawValue: "not_supported")
        /// The client is in the wrong state for the call (for example `start()` after `stop()`).
        public static let invalidState = Code(rawValue: "invalid_state")
        /// Memory ran out inside libmosquitto.
        public static let outOfMemory = Code(rawValue: "out_of_memory")
        /// A system call failed; `message` carries the `errno` text.
        public static let system = Code(rawValue: "system")
        /// Anything libmosquitto reports that has no better category.
        public static let unknown = Code(rawValue: "unknown")
    }

    /// The stable category of the failure.
    public var code: Code
    /// A human-readable explanation.
    public var message: String
    /// The libmosquitto call or step that failed, such as `mosquitto_publish`.
    public var operation: String?
    /// The libmosquitto `MOSQ_ERR_*` return code, when the error came from a libmosquitto call.
    public var returnCode: Int32?
    /// The broker's CONNACK return code (MQTT 3.1.1) or reason code (MQTT 5), when the broker refused.
    public var reasonCode: Int32?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: The stable category.
    ///   - message: A human-readable explanation.
    ///   - operation: The call or step that failed.
    ///   - returnCode: The libmosquitto return code, if any.
    ///   - reasonCode: The broker's CONNACK code, if any.
    public init(
        code: Code,
        message: String,
        operation: String? = nil,
        returnCode: Int32? = nil,
        reasonCode: Int32? = nil
    ) {
        self.code = code
        self.message = message
        self.operation = operation
        self.returnCode = returnCode
        self.reasonCode = reasonCode
    }

    public var description: String {
        var text = "\(code.rawValue): \(message)"
        if let operation {
            text += " (\(operation)"
            if let returnCode { text += ", rc \(returnCode)" }
            if let reasonCode { text += ", reason \(reasonCode)" }
            text += ")"
        } else if let reasonCode {
            text += " (reason \(reasonCode))"
        }
        return text
    }
}
