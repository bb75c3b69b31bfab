/// Decoding the network server's decoded object (ChirpStack `object`, The Things Stack `decoded_payload`), as the
/// vendor's codec produced it: choose the frame by `object_match`, then read the map's paths.
extension DeviceModel {
    /// Decodes the object a network-server codec made of one uplink.
    ///
    /// Members named in the model's `object_unwrap` are descended into first, for codecs that return the whole
    /// `{"data": …, "errors": …, "warnings": …}` result (NAS's ChirpStack v3 codec does).
    ///
    /// - Parameter object: The decoded object.
    /// - Returns: The reading, or `.ignored` for a frame that carries nothing for Kerbside.
    /// - Throws: `CodecError` when the object is not an object, matches no frame, lacks a required value, holds an
    ///   array or object where a number is expected, or has a value out of range.
    public func decode(object: JSONTree) throws(CodecError) -> DecodedUplink {
        var tree = object
        for key in objectUnwrap {
            if let inner = tree[key], case .object = inner { tree = inner }
        }
        guard case .object = tree else {
            throw CodecError("\(id): the decoded object is \(tree.summary), not an object")
        }
        for frame in frames {
            guard let objectMatch = frame.objectMatch, try Self.matches(tree, objectMatch) else { continue }
            let lookup = ObjectValues(tree: tree, context: "\(id) object (\(frame.name))")
            return DecodedUplink(
                content: try frame.content(from: lookup, kind: kind, context: lookup.context),
                frame: frame.name
            )
        }
        throw CodecError("\(id): the decoded object matches no frame (\(try describeMatchKeys(tree)))")
    }

    private static func matches(_ tree: JSONTree, _ objectMatch: [String: JSONTree]) throws(CodecError) -> Bool {
        for (key, expected) in objectMatch {
            let choices: [JSONTree] = if case .array(let list) = expected { list } else { [expected] }
            let found = try ObjectPath(parsing: key).values(in: tree)
            guard found.contains(where: { value in choices.contains { matches(value, $0) } }) else { return false }
        }
        return true
    }

    /// Equality, except that a string pattern starting or ending with `*` matches by suffix or prefix.
    private static func matches(_ value: JSONTree, _ pattern: JSONTree) -> Bool {
        guard case .string(let text) = pattern, case .string(let found) = value, text.count > 1 else {
            return value.matches(pattern)
        }
        if text.hasPrefix("*") { return found.hasSuffix(text.dropFirst()) }
        if text.hasSuffix("*") { return found.hasPrefix(text.dropLast()) }
        return found == text
    }

    /// The values the object has at the paths frames are chosen by, e.g. `type = "foo"`.
    private func describeMatchKeys(_ tree: JSONTree) throws(CodecError) -> String {
        var keys: [String] = []
        for frame in frames {
            for key in (frame.objectMatch ?? [:]).keys.sorted() where !keys.contains(key) { keys.append(key) }
        }
        guard !keys.isEmpty else { return "the model matches no objects" }
        var parts: [String] = []
        for key in keys {
            let found = try ObjectPath(parsing: key).values(in: tree).first
            parts.append("\(key) = \(found?.summary ?? "missing")")
        }
        return parts.joined(separator: ", ")
    }
}

/// A decoded object as a `ReadingLookup`: sources and conditions are read through their `path`.
struct ObjectValues: ReadingLookup {
    let tree: JSONTree
    let context: String

    func values(of source: ValueSource) throws(CodecError) -> [Double]? {
        guard let path = source.path else { return nil }
        var filter: (path: ObjectPath, equals: JSONTree)?
        if let condition = source.filter {
            guard let filterPath = condition.path, let equals = condition.pathEquals else { return nil }
            filter = (try ObjectPath(parsing: filterPath), equals)
        }
        let scale = source.pathScale ?? 1
        var numbers: [Double] = []
        for value in try ObjectPath(parsing: path).values(in: tree, filter: filter) {
            if let number = try number(value, at: path) { numbers.append(FieldSpec.tidy(number * scale)) }
        }
        return numbers
    }

    func holds(_ condition: Condition) throws(CodecError) -> Bool? {
        guard let path = condition.path, let expected = condition.pathEquals else { return nil }
        return try ObjectPath(parsing: path).values(in: tree).contains { $0.matches(expected) }
    }

    func faultValues(of source: FaultSource) throws(CodecError) -> [FaultValue]? {
        guard let path = source.path else { return nil }
        var found: [FaultValue] = []
        for value in try ObjectPath(parsing: path).values(in: tree) {
            if case .string(let name) = value {
                found.append(.name(name))
            } else if let number = try number(value, at: path) {
                found.append(.number(number))
            }
        }
        return found
    }

    /// A number, a boolean (0 or 1) or a numeric string; `nil` for null and other strings (codecs write "n/a").
    private func number(_ value: JSONTree, at path: String) throws(CodecError) -> Double? {
        switch value {
        case .number(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        case .string(let text): return Double(text)
        case .null: return nil
        case .array, .object:
            throw CodecError("\(context): \(path) is \(value.summary), expected a number, boolean or string")
        }
    }
}
