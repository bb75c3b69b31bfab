import Foundation

/// A daily crossing of the sun through a zenith angle that the dimming schedule reacts to.
///
/// Sunrise and sunset use the zenith 90.833°, which folds the standard refraction at the horizon (34′) and the
/// sun's apparent radius (16′) into one angle, as the NOAA Solar Calculator does; civil dawn and dusk use 96°, the sun
/// 6° below the horizon.
public enum SolarEvent: String, Sendable, Codable, CaseIterable {
    case sunrise
    case sunset
    case civilDawn = "civil_dawn"
    case civilDusk = "civil_dusk"

    /// The zenith angle in degrees that the sun's centre crosses at this event.
    var zenith: Double {
        switch self {
        case .sunrise, .sunset: 90.833
        case .civilDawn, .civilDusk: 96
        }
    }

    /// Whether this event is the morning crossing, found before the day's solar noon.
    var isMorning: Bool {
        switch self {
        case .sunrise, .civilDawn: true
        case .sunset, .civilDusk: false
        }
    }
}

/// How an event's instant was found.
public enum SolarEventKind: String, Sendable, Codable {
    /// The sun crosses the event's zenith that day; the instant is the crossing.
    case computed
    /// The sun stays above the event's zenith all day; the instant is solar midnight, so the dark period is empty.
    case polarDay = "polar_day"
    /// The sun stays below the event's zenith all day; the instant is solar noon, so the light period is empty.
    case polarNight = "polar_night"
}

/// The instant of one solar event on one local day, and whether the sun really crossed there.
public struct SolarEventTime: Sendable, Equatable {
    /// The event this instant belongs to.
    public var event: SolarEvent
    /// When the event happens, or its polar stand-in (see ``SolarEventKind``).
    public var at: Date
    /// Whether ``at`` is a real crossing or a polar stand-in.
    public var kind: SolarEventKind

    /// Creates an event time.
    ///
    /// - Parameters:
    ///   - event: The event this instant belongs to.
    ///   - at: When the event happens, or its polar stand-in.
    ///   - kind: Whether `at` is a real crossing or a polar stand-in.
    public init(event: SolarEvent, at: Date, kind: SolarEventKind) {
        self.event = event
        self.at = at
        self.kind = kind
    }
}
