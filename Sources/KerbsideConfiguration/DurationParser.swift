import Foundation

/// Reads the human durations of the configuration file: `90s`, `5m`, `3h`, `1d`, `250ms`, combinations from the
/// largest unit to the smallest such as `1h30m`, or a plain number of seconds such as `45`.
///
/// Fractions are allowed (`1.5h`); signs are not, because no setting here means anything with a negative duration.
public enum DurationParser {
    /// The units understood, largest first; the order is also the order a combination must follow.
    public static let units: [(symbol: String, seconds: TimeInterval)] = [
        ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1), ("ms", 0.001),
    ]

    /// The duration `text` spells, in seconds.
    ///
    /// - Throws: ``DurationError`` saying what is wrong with `text`.
    public static func parse(_ text: String) throws(DurationError) -> TimeInterval {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw DurationError(text: text, reason: "is empty") }
        if trimmed.hasPrefix("-") { throw DurationError(text: text, reason: "is negative") }
        if let seconds = plainNumber(trimmed) { return seconds }

        var total: TimeInterval = 0
        var rest = Substring(trimmed)
        // Units must descend so that a typo such as `1m30m` is caught rather than silently summed.
        var lastUnitRank = -1
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let symbol = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(symbol.count)
            guard !number.isEmpty, let value = plainNumber(number) else {
                throw DurationError(text: text, reason: "needs a number before each unit")
            }
            guard let rank = units.firstIndex(where: { $0.symbol == symbol }) else {
                let reason = symbol.isEmpty ? "needs a unit after \(number)" : "has an unknown unit \"\(symbol)\""
                throw DurationError(text: text, reason: reason)
            }
            guard rank > lastUnitRank else {
                throw DurationError(text: text, reason: "must give units from largest to smallest, each once")
            }
            lastUnitRank = rank
            total += value * units[rank].seconds
        }
        guard total.isFinite else { throw DurationError(text: text, reason: "is too large") }
        return total
    }

    private static func plainNumber(_ text: some StringProtocol) -> TimeInterval? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        return TimeInterval(String(text)).flatMap { $0.isFinite ? $0 : nil }
    }
}

/// Why a string is not a duration.
public struct DurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text as given.
    public var text: String
    /// What is wrong, phrased to follow the quoted text.
    public var reason: String

    /// Creates an error.
    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    public var description: String {
        "\"\(text)\" \(reason); expected a duration such as 90s, 5m, 1h30m, 2d or a number of seconds"
    }
}
