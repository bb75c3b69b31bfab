/// What a device model describes: a bay sensor or a streetlight controller.
public enum DeviceKind: String, Sendable, Codable {
    case parkingSensor = "parking_sensor"
    case lightController = "light_controller"
}

/// What one LoRaWAN uplink says, in Kerbside's terms.
///
/// Every reading field is optional because frames carry different parts: a heartbeat may carry the battery but a
/// status change may not, a usage report carries energy but no level. `nil` always means "this frame does not say",
/// never "zero".
public struct DecodedUplink: Sendable, Equatable {
    /// The reading a frame carries, or why it carries none.
    public enum Content: Sendable, Equatable {
        /// A bay sensor's frame: its occupancy, its battery and whether it reports a change or confirms the state.
        case parking(occupied: Bool?, batteryVolts: Double?, kind: ParkingReadingKind)
        /// A light controller's frame. `faults` is `nil` when the frame has no fault information and `[]` when it
        /// reports none; `echoedLevel` is the level of a command the controller repeats back, an acknowledgement.
        case lighting(level: Int?, powerWatts: Double?, energyWattHours: Double?, faults: [String]?, echoedLevel: Int?)
        /// A well-formed frame that carries nothing for Kerbside (startup, debug, configuration); the text says which.
        case ignored(String)
    }

    /// The reading, or why there is none.
    public var content: Content
    /// The model file's name for the frame that matched, e.g. `heartbeat`, for logs.
    public var frame: String

    /// Creates a decoded uplink.
    ///
    /// - Parameters:
    ///   - content: The reading, or why there is none.
    ///   - frame: The name of the frame that matched.
    public init(content: Content, frame: String) {
        self.content = content
        self.frame = frame
    }
}

/// Why a payload, a decoded object or a model file could not be used.
///
/// Ingest counts a payload error as the rejection reason `codec`; the message says what was wrong and where, e.g.
/// `nwave-nps405 fPort 2 (heartbeat): 2 bytes is too short, battery needs byte 1`.
public struct CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong, naming the model, the fPort or path and the offending value.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameter message: What was wrong and where.
    public init(message: String) {
        self.message = message
    }

    /// Creates an error.
    ///
    /// - Parameter message: What was wrong and where.
    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
