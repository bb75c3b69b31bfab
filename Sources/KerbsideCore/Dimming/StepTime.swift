/// When a schedule step happens within its local day: a wall-clock time, or a solar event with an offset.
public enum StepTime: Sendable, Hashable, CustomStringConvertible {
    /// Minutes after local midnight.
    case clock(minuteOfDay: Int)
    case solar(SolarEvent, offsetMinutes: Int)

    /// Offsets beyond half a day would move an event into another day's business.
    public static let maximumOffsetMinutes = 720

    /// Reads `HH:MM`, or an event name with an optional offset such as `sunrise+15m`, `civil_dusk-10m`, `sunset+1h30m`.
    ///
    /// - Parameter text: the step's `at`.
    /// - Returns: the parsed time.
    /// - Throws: a message saying what was expected.
    public static func parse(_ text: String) throws(StepTimeError) -> StepTime {
        if let colon = text.firstIndex(of: ":") {
            let hours = text[..<colon]
            let minutes = text[text.index(after: colon)...]
            guard hours.count == 2, minutes.count == 2, (hours + minutes).allSatisfy(\.isASCIIDigit),
                let hour = Int(hours), let minute = Int(minutes),
                (0...23).contains(hour), (0...59).contains(minute)
            else { throw StepTimeError("\"\(text)\" is not a time of day; write HH:MM from 00:00 to 23:59") }
            return .clock(minuteOfDay: hour * 60 + minute)
        }
        let signIndex = text.firstIndex { $0 == "+" || $0 == "-" }
        let name = signIndex.map { String(text[..<$0]) } ?? text
        guard let event = SolarEvent(rawValue: name) else {
            let known = SolarEvent.allCases.map(\.rawValue).joined(separator: ", ")
            throw StepTimeError(
                "unknown event \"\(name)\" in \"\(text)\"; expected HH:MM or one of \(known), "
                    + "each with an optional offset such as +15m or -1h"
            )
        }
        guard let signIndex else { return .solar(event, offsetMinutes: 0) }
        let sign = text[signIndex] == "-" ? -1 : 1
        guard let minutes = Self.offsetMinutes(text[text.index(after: signIndex)...]) else {
            throw StepTimeError("offset in \"\(text)\" must look like +15m, -10m, +1h or +1h30m")
        }
        guard minutes <= maximumOffsetMinutes else {
            throw StepTimeError("offset in \"\(text)\" is larger than 12h")
        }
        return .solar(event, offsetMinutes: sign * minutes)
    }

    private static func offsetMinutes(_ text: Substring) -> Int? {
        var total = 0
        var digits = ""
        var sawUnit = false
        for character in text {
            if character.isASCIIDigit {
                // Four digits already exceed the 12 h limit: stop before the arithmetic can overflow.
                guard digits.count < 4 else { return nil }
                digits.append(character)
            } else if character == "h" || character == "m", let value = Int(digits) {
                total += character == "h" ? value * 60 : value
                digits = ""
                sawUnit = true
            } else {
                return nil
            }
        }
        return sawUnit && digits.isEmpty ? total : nil
    }

    /// The canonical spelling, as the API echoes it.
    public var description: String {
        switch self {
        case .clock(let minuteOfDay):
            let hour = minuteOfDay / 60
            let minute = minuteOfDay % 60
            return "\(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
        case .solar(let event, let offset):
            guard offset != 0 else { return event.rawValue }
            let magnitude = abs(offset)
            let hours = magnitude / 60
            let minutes = magnitude % 60
            let amount = (hours > 0 ? "\(hours)h" : "") + (minutes > 0 || hours == 0 ? "\(minutes)m" : "")
            return "\(event.rawValue)\(offset < 0 ? "-" : "+")\(amount)"
        }
    }
}

public struct StepTimeError: Error, Sendable, Equatable {
    public var message: String

    init(_ message: String) {
        self.message = message
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
