import CMosquitto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns a libmosquitto return code into an `MQTTError` unless it is `MOSQ_ERR_SUCCESS`.
///
/// The one place where return codes become typed errors. Call it right after the libmosquitto call: for
/// `MOSQ_ERR_ERRNO` the message is read from `errno`, which the next system call may overwrite.
///
/// - Parameters:
///   - returnCode: What the libmosquitto function returned.
///   - operation: The name of the function, for the error's context.
/// - Throws: `MQTTError` describing `returnCode`.
func check(_ returnCode: Int32, _ operation: String) throws(MQTTError) {
    guard returnCode != MOSQ_ERR_SUCCESS.rawValue else { return }
    throw MQTTError(returnCode: returnCode, operation: operation)
}

extension MQTTError {
    /// Creates the error for a libmosquitto `MOSQ_ERR_*` return code, with `mosquitto_strerror`'s message.
    ///
    /// - Parameters:
    ///   - returnCode: The non-success libmosquitto return code.
    ///   - operation: The libmosquitto call or step that failed.
    init(returnCode: Int32, operation: String) {
        let systemError = errno
        let message = unsafe String(cString: mosquitto_strerror(returnCode))
        self.init(
            code: Self.code(forReturnCode: returnCode, errno: systemError),
            message: message,
            operation: operation,
            returnCode: returnCode
        )
    }

    /// Creates the error for a broker's refusing CONNACK.
    ///
    /// - Parameters:
    ///   - reasonCode: The CONNACK return code (MQTT 3.1.1) or reason code (MQTT 5); never 0.
    ///   - protocolVersion: The protocol the code belongs to; the two share numbers below 128 only partly.
    init(connackCode reasonCode: Int32, protocolVersion: MQTTProtocolVersion) {
        let message: String
        let code: Code
        switch protocolVersion {
        case .v311:
            message = unsafe String(cString: mosquitto_connack_string(reasonCode))
            code = Self.code(forConnackReturnCode: reasonCode)
        case .v5:
            message = unsafe String(cString: mosquitto_reason_string(reasonCode))
            code = Self.code(forReasonCode: reasonCode)
        }
        self.init(code: code, message: message, operation: "CONNACK", reasonCode: reasonCode)
    }

    static func code(forReturnCode returnCode: Int32, errno systemError: Int32) -> Code {
        switch mosq_err_t(rawValue: returnCode) {
        case MOSQ_ERR_NOMEM: .outOfMemory
        case MOSQ_ERR_PROTOCOL, MOSQ_ERR_MALFORMED_PACKET, MOSQ_ERR_DUPLICATE_PROPERTY: .protocolError
        case MOSQ_ERR_INVAL: .invalidArgument
        case MOSQ_ERR_NO_CONN: .noConnection
        case MOSQ_ERR_CONN_REFUSED: .connectionRefused
        case MOSQ_ERR_CONN_LOST: .connectionLost
        case MOSQ_ERR_TLS, MOSQ_ERR_TLS_HANDSHAKE, MOSQ_ERR_OCSP: .tls
        case MOSQ_ERR_PAYLOAD_SIZE, MOSQ_ERR_OVERSIZE_PACKET: .payloadSize
        case MOSQ_ERR_NOT_SUPPORTED: .notSupported
        case MOSQ_ERR_AUTH: .notAuthorized
        case MOSQ_ERR_ACL_DENIED: .aclDenied
        case MOSQ_ERR_EAI, MOSQ_ERR_LOOKUP: .lookup
        case MOSQ_ERR_MALFORMED_UTF8: .malformedUTF8
        case MOSQ_ERR_KEEPALIVE: .keepaliveTimeout
        case MOSQ_ERR_TIMEOUT: .timeout
        case MOSQ_ERR_QOS_NOT_SUPPORTED, MOSQ_ERR_RETAIN_NOT_SUPPORTED: .notSupported
        case MOSQ_ERR_ERRNO:
            switch systemError {
            case ECONNREFUSED: .connectionRefused
            case ETIMEDOUT: .timeout
            case ECONNRESET, EPIPE: .connectionLost
            default: .system
            }
        default: .unknown
        }
    }

    static func code(forConnackReturnCode returnCode: Int32) -> Code {
        switch returnCode {
        case 1: .unsupportedProtocolVersion
        case 2: .clientIDRejected
        case 3: .serverUnavailable
        case 4, 5: .notAuthorized
        default: .connectionRefused
        }
    }

    static func code(forReasonCode reasonCode: Int32) -> Code {
        switch reasonCode {
        case 129, 130: .protocolError
        case 132: .unsupportedProtocolVersion
        case 133: .clientIDRejected
        case 134, 135, 138, 140: .notAuthorized
        case 136, 137, 139, 156, 157, 159: .serverUnavailable
        case 149: .payloadSize
        case 154, 155: .notSupported
        default: .connectionRefused
        }
    }
}
