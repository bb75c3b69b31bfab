import Foundation
import Yams

/// One YAML mapping seen through a ``YAMLReader``: looks values up by key, reports missing required ones at the
/// mapping's position and, on creation, every key it does not know.
struct YAMLMapping {
    let reader: YAMLReader
    let node: Node
    /// Dotted path of this mapping; empty for the document root.
    let key: String
    private let values: [String: Node]

    init(reader: YAMLReader, node: Node, mapping: Node.Mapping, key: String, knownKeys: [String]) {
        self.reader = reader
        self.node = node
        self.key = key
        var values: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let scalar) = keyNode else {
                reader.reportMismatch(keyNode, key: key, expected: "a key name")
                continue
            }
            let name = scalar.string
            let path = key.isEmpty ? name : "\(key).\(name)"
            guard knownKeys.contains(name) else {
                var message = "unknown key \"\(name)\""
                if let guess = KeySuggestion.closest(to: name, in: knownKeys) {
                    message += "; did you mean \"\(guess)\"?"
                } else {
                    message += "; expected one of " + knownKeys.joined(separator: ", ")
                }
                reader.report(message, key: path, at: keyNode)
                continue
            }
            values[name] = value
        }
        self.values = values
    }

    /// The dotted path of `name` in this mapping.
    func path(_ name: String) -> String {
        key.isEmpty ? name : "\(key).\(name)"
    }

    /// Whether `name` is written at all, even as null; a null can deliberately clear an inherited default.
    func contains(_ name: String) -> Bool {
        values[name] != nil
    }

    /// The value of `name`, or `nil` when it is absent or null.
    func value(_ name: String) -> Node? {
        guard let node = values[name], !YAMLReader.isNull(node) else { return nil }
        return node
    }

    /// Where `name`'s value is, or where this mapping is when `name` is absent.
    func location(of name: String) -> SourceLocation {
        reader.location(values[name] ?? node, key: path(name))
    }

    /// The value of a required key; reports it missing (at this mapping) when absent or null.
    func required(_ name: String, expected: String) -> Node? {
        if let node = value(name) { return node }
        if let null = values[name] {
            reader.reportMismatch(null, key: path(name), expected: expected)
        } else {
            reader.report("required key is missing; expected \(expected)", key: path(name), at: node)
        }
        return nil
    }

    // MARK: Typed look-ups; each returns nil when absent (or reported when required) or unusable (reported).

    func string(_ name: String, required: Bool = false, allowEmpty: Bool = false) -> String? {
        guard let node = lookUp(name, required: required, expected: "a string") else { return nil }
        return reader.string(node, key: path(name), allowEmpty: allowEmpty)
    }

    func int(_ name: String, in range: ClosedRange<Int>, required: Bool = false) -> Int? {
        let expected = "an integer from \(range.lowerBound) to \(range.upperBound)"
        guard let node = lookUp(name, required: required, expected: expected) else { return nil }
        return reader.int(node, key: path(name), in: range)
    }

    func double(_ name: String, in range: ClosedRange<Double>, required: Bool = false) -> Double? {
        guard let node = lookUp(name, required: required, expected: "a number") else { return nil }
        return reader.double(node, key: path(name), in: range)
    }

    func bool(_ name: String) -> Bool? {
        value(name).flatMap { reader.bool($0, key: path(name)) }
    }

    func duration(_ name: String, in range: ClosedRange<TimeInterval>) -> TimeInterval? {
        value(name).flatMap { reader.duration($0, key: path(name), in: range) }
    }

    func choice(_ name: String, from choices: [String]) -> String? {
        value(name).flatMap { reader.choice($0, key: path(name), from: choices) }
    }

    func mapping(_ name: String, keys: [String], required: Bool = false) -> YAMLMapping? {
        let expected = "a mapping with keys " + keys.joined(separator: ", ")
        guard let node = lookUp(name, required: required, expected: expected) else { return nil }
        return reader.mapping(node, key: path(name), keys: keys)
    }

    func sequence(_ name: String, expected: String, required: Bool = false) -> [(node: Node, key: String)]? {
        guard let node = lookUp(name, required: required, expected: expected) else { return nil }
        return reader.sequence(node, key: path(name), expected: expected)
    }

    private func lookUp(_ name: String, required: Bool, expected: String) -> Node? {
        required ? self.required(name, expected: expected) : value(name)
    }
}
