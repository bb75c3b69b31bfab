import Foundation
import Yams

/// A small typed walker over a composed Yams tree: each accessor returns the value when it is usable and otherwise
/// records a problem at the node's line and column and returns `nil`, so the caller carries on with a default.
///
/// Working on `Node` rather than decoding into `Codable` types is what keeps positions, finds unknown keys and lets
/// one pass report every problem instead of the first.
struct YAMLReader {
    let file: String
    let log: ProblemLog

    /// The location of `node` under `key`.
    func location(_ node: Node?, key: String) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line, column: node?.mark?.column, key: key)
    }

    func report(_ message: String, key: String, at node: Node?) {
        log.report(message, at: location(node, key: key))
    }

    /// Reports that `node` is not what `expected` says, naming what it is.
    func reportMismatch(_ node: Node, key: String, expected: String) {
        report("expected \(expected), found \(Self.describe(node))", key: key, at: node)
    }

    // MARK: Scalars

    /// Any scalar but null, as written; numbers and booleans are accepted as their text because names and ids such
    /// as `12` or `no` are legitimate strings.
    func string(_ node: Node, key: String, allowEmpty: Bool = false) -> String? {
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            reportMismatch(node, key: key, expected: "a string")
            return nil
        }
        guard allowEmpty || !scalar.string.isEmpty else {
            report("expected a non-empty string, found an empty one", key: key, at: node)
            return nil
        }
        return scalar.string
    }

    func int(_ node: Node, key: String, in range: ClosedRange<Int>) -> Int? {
        let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard Self.tag(of: node) == .int, let value = node.int else {
            reportMismatch(node, key: key, expected: expected)
            return nil
        }
        guard range.contains(value) else {
            report("expected \(expected), found \(value)", key: key, at: node)
            return nil
        }
        return value
    }

    func double(_ node: Node, key: String, in range: ClosedRange<Double>) -> Double? {
        let expected = "a number from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound))"
        let tag = Self.tag(of: node)
        guard tag == .int || tag == .float, let value = node.float ?? node.int.map(Double.init), value.isFinite else {
            reportMismatch(node, key: key, expected: expected)
            return nil
        }
        guard range.contains(value) else {
            report("expected \(expected), found \(Self.format(value))", key: key, at: node)
            return nil
        }
        return value
    }

    func bool(_ node: Node, key: String) -> Bool? {
        guard Self.tag(of: node) == .bool, let value = node.bool else {
            reportMismatch(node, key: key, expected: "true or false")
            return nil
        }
        return value
    }

    /// A duration string (`90s`, `1h30m`) or a number of seconds, within `range`.
    func duration(_ node: Node, key: String, in range: ClosedRange<TimeInterval>) -> TimeInterval? {
        let bounds = "from \(Self.formatDuration(range.lowerBound)) to \(Self.formatDuration(range.upperBound))"
        let seconds: TimeInterval
        switch Self.tag(of: node) {
        case .int, .float:
            guard let value = node.float ?? node.int.map(Double.init), value.isFinite, value >= 0 else {
                reportMismatch(node, key: key, expected: "a duration such as 90s or 5m, or a number of seconds")
                return nil
            }
            seconds = value
        case .str:
            guard case .scalar(let scalar) = node else { return nil }
            do {
                seconds = try DurationParser.parse(scalar.string)
            } catch {
                report(error.description, key: key, at: node)
                return nil
            }
        default:
            reportMismatch(node, key: key, expected: "a duration such as 90s or 5m, or a number of seconds")
            return nil
        }
        guard range.contains(seconds) else {
            report("expected a duration \(bounds), found \(Self.formatDuration(seconds))", key: key, at: node)
            return nil
        }
        return seconds
    }

    /// One of `choices`, with a suggestion when the text is close to one of them.
    func choice(_ node: Node, key: String, from choices: [String]) -> String? {
        let expected = "one of " + choices.joined(separator: ", ")
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            reportMismatch(node, key: key, expected: expected)
            return nil
        }
        guard choices.contains(scalar.string) else {
            var message = "expected \(expected), found \"\(scalar.string)\""
            if let guess = KeySuggestion.closest(to: scalar.string, in: choices) {
                message += "; did you mean \(guess)?"
            }
            report(message, key: key, at: node)
            return nil
        }
        return scalar.string
    }

    // MARK: Collections

    /// A mapping whose keys must all be among `keys`; unknown ones are reported with the likely intended key.
    func mapping(_ node: Node, key: String, keys: [String]) -> YAMLMapping? {
        guard case .mapping(let mapping) = node else {
            reportMismatch(node, key: key, expected: "a mapping with keys " + keys.joined(separator: ", "))
            return nil
        }
        return YAMLMapping(reader: self, node: node, mapping: mapping, key: key, knownKeys: keys)
    }

    /// The items of a list with their key paths (`key[0]`, `key[1]`, ...).
    func sequence(_ node: Node, key: String, expected: String) -> [(node: Node, key: String)]? {
        guard case .sequence(let sequence) = node else {
            reportMismatch(node, key: key, expected: expected)
            return nil
        }
        return sequence.enumerated().map { (node: $0.element, key: "\(key)[\($0.offset)]") }
    }

    // MARK: Describing

    static func isNull(_ node: Node) -> Bool {
        tag(of: node) == .null
    }

    static func tag(of node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.rawValue)
    }

    /// How a value reads in "found ..." messages.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch tag(of: node) {
            case .null: return "null"
            case .bool: return "the boolean \(scalar.string)"
            case .int, .float: return "the number \(scalar.string)"
            default: return "the string \"\(scalar.string)\""
            }
        }
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// `5400` as `1h30m`, for messages that should read like the file.
    static func formatDuration(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite, seconds > 0 else { return seconds == 0 ? "0s" : format(seconds) + "s" }
        var rest = seconds
        var text = ""
        for unit in DurationParser.units where unit.seconds >= 1 {
            let count = (rest / unit.seconds).rounded(.down)
            if count >= 1 {
                text += "\(Int(count))\(unit.symbol)"
                rest -= count * unit.seconds
            }
        }
        if rest > 0.0005 { text += "\(Int((rest * 1000).rounded()))ms" }
        return text
    }
}
