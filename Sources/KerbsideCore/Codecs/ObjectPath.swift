/// A key path into a decoded object: `occupied`, `status.internal_relay_closed`, `dimming_source[0].status`, or
/// `consumption[*].active_power__W` for every element of an array.
struct ObjectPath: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case key(String)
        case index(Int)
        case everyElement
    }

    var segments: [Segment]
    var description: String

    /// Parses a path.
    ///
    /// - Parameter text: The path as written in the model file.
    /// - Throws: `CodecError` for an empty key, an unclosed bracket or an index that is neither a number nor `*`.
    init(parsing text: String) throws(CodecError) {
        description = text
        segments = []
        var rest = Substring(text)
        var expectKey = true
        while !rest.isEmpty {
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]") else {
                    throw CodecError("path \"\(text)\": unclosed \"[\"")
                }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                if inside == "*" {
                    segments.append(.everyElement)
                } else if let index = Int(inside), index >= 0 {
                    segments.append(.index(index))
                } else {
                    throw CodecError("path \"\(text)\": \"[\(inside)]\" is neither an index nor [*]")
                }
                rest = rest[rest.index(after: close)...]
                expectKey = false
            } else if rest.first == "." {
                guard !expectKey else { throw CodecError("path \"\(text)\": empty key") }
                rest = rest.dropFirst()
                expectKey = true
                guard !rest.isEmpty else { throw CodecError("path \"\(text)\": ends with \".\"") }
            } else {
                guard expectKey else { throw CodecError("path \"\(text)\": expected \".\" or \"[\" after \"]\"") }
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                segments.append(.key(String(rest[..<end])))
                rest = rest[end...]
                expectKey = false
            }
        }
        guard !segments.isEmpty else { throw CodecError("path is empty") }
    }

    /// How many `[*]` segments the path has; a filtered path needs exactly one.
    var wildcardCount: Int { segments.filter { $0 == .everyElement }.count }

    /// Every value the path reaches, in document order; missing members and out-of-range indices reach nothing.
    ///
    /// - Parameters:
    ///   - tree: The object to read.
    ///   - filter: For a path with one `[*]`: only elements whose value at the relative path matches.
    /// - Returns: The values found.
    func values(in tree: JSONTree, filter: (path: ObjectPath, equals: JSONTree)? = nil) -> [JSONTree] {
        var found: [JSONTree] = []
        collect(tree, from: segments[...], filter: filter, into: &found)
        return found
    }

    private func collect(
        _ tree: JSONTree,
        from rest: ArraySlice<Segment>,
        filter: (path: ObjectPath, equals: JSONTree)?,
        into found: inout [JSONTree]
    ) {
        guard let segment = rest.first else {
            found.append(tree)
            return
        }
        let next = rest.dropFirst()
        switch (segment, tree) {
        case (.key(let key), .object(let members)):
            if let member = members[key] { collect(member, from: next, filter: filter, into: &found) }
        case (.index(let index), .array(let elements)):
            if index < elements.count { collect(elements[index], from: next, filter: filter, into: &found) }
        case (.everyElement, .array(let elements)):
            for element in elements {
                if let filter, !filter.path.values(in: element).contains(where: { $0.matches(filter.equals) }) {
                    continue
                }
                collect(element, from: next, filter: nil, into: &found)
            }
        default:
            return
        }
    }
}
