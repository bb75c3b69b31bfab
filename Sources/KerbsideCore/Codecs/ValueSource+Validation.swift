/// Checks of the pieces a frame's layout and map are made of; messages start with the member path.
extension FieldSpec {
    /// Checks a field against the block or record head it sits in.
    ///
    /// - Parameters:
    ///   - bytes: The size of the enclosing block or head.
    ///   - optional: Whether this is a mask-selected field (with `bit`, without `at`).
    ///   - place: The member path for messages.
    /// - Throws: `CodecError` for a bad name, length, position, mask or scale.
    func validate(within bytes: Int, optional: Bool, place: String) throws(CodecError) {
        guard !name.isEmpty, !name.contains(".") else {
            throw CodecError("\(place).name: must be non-empty and without \".\"")
        }
        guard (1...8).contains(length) else { throw CodecError("\(place).length: \(length) is not 1…8 bytes") }
        guard length == 1 || endian != nil else {
            throw CodecError("\(place).endian: a \(length)-byte field needs \"big\" or \"little\"")
        }
        if optional {
            guard at == nil else { throw CodecError("\(place).at: an optional field follows the head; use bit") }
            guard let bit, (0...7).contains(bit) else { throw CodecError("\(place).bit: needs a mask bit 0…7") }
        } else {
            guard bit == nil else { throw CodecError("\(place).bit: only optional fields of masked records") }
            guard let at, at >= 0 else { throw CodecError("\(place).at: needs an offset ≥ 0") }
            guard at + length <= bytes else {
                throw CodecError("\(place): at \(at) + length \(length) is past the \(bytes) bytes it sits in")
            }
        }
        if let mask {
            let widthBits = UInt64(length * 8)
            guard mask.value > 0, widthBits == 64 || UInt64(mask.value) >> widthBits == 0 else {
                throw CodecError("\(place).mask: \(mask.value) is not a non-zero mask within \(length) byte(s)")
            }
        }
        if let shift, !(0..<64).contains(shift) { throw CodecError("\(place).shift: \(shift) is not 0…63") }
        guard valueBits >= 1 else { throw CodecError("\(place).shift: shifts every masked bit away") }
        guard scale.isFinite, offset.isFinite else { throw CodecError("\(place): scale and offset must be finite") }
    }
}

extension ValueSource {
    /// Checks that the source names declared fields and valid paths, and is either a constant or a lookup.
    ///
    /// - Parameter names: The fields the frame's layout declares.
    /// - Throws: `CodecError` for an unknown field, a bad path or a contradictory combination.
    func validate(_ names: LayoutNames) throws(CodecError) {
        if let constant {
            guard field == nil, path == nil, aggregate == nil, filter == nil else {
                throw CodecError("a constant has no field, path, aggregate or where")
            }
            guard constant.isFinite else { throw CodecError("constant must be finite") }
        } else {
            guard field != nil || path != nil else { throw CodecError("needs field, path or constant") }
            guard condition == nil else { throw CodecError("\"if\" goes with a constant") }
        }
        if let field, !names.contains(field) {
            throw CodecError("field \"\(field)\" is not declared in the layout")
        }
        if let condition { try condition.validate(names, sameGroupAs: nil) }
        if let path {
            let parsed = try ObjectPath(parsing: path)
            if filter?.path != nil, parsed.wildcardCount != 1 {
                throw CodecError("path \"\(path)\" needs exactly one [*] for \"where\" to filter")
            }
        }
        if let filter {
            var group: String?
            if let field {
                guard let recordGroup = LayoutNames.group(of: field) else {
                    throw CodecError("where: \"\(field)\" is not a record field, so there is nothing to filter")
                }
                group = recordGroup
            }
            try filter.validate(names, sameGroupAs: group)
        }
        if let pathScale, !pathScale.isFinite { throw CodecError("path_scale must be finite") }
    }
}

extension Condition {
    /// Checks a condition's field and path.
    ///
    /// - Parameters:
    ///   - names: The fields the layout declares.
    ///   - group: For `where`: the record group the filtered field must be in.
    /// - Throws: `CodecError` for an unknown field, a field of another group or a bad path.
    func validate(_ names: LayoutNames, sameGroupAs group: String?) throws(CodecError) {
        guard field != nil || path != nil else { throw CodecError("a condition needs field or path") }
        if let field {
            guard names.contains(field) else { throw CodecError("field \"\(field)\" is not declared in the layout") }
            guard equals != nil else { throw CodecError("condition on field \"\(field)\" needs equals") }
            if let group, LayoutNames.group(of: field) != group {
                throw CodecError("where: \"\(field)\" must be a field of the same records, \(group)")
            }
        }
        if let path {
            _ = try ObjectPath(parsing: path)
            guard pathEquals != nil else { throw CodecError("condition on path \"\(path)\" needs path_equals") }
        }
    }
}

extension FaultSource {
    /// Checks a fault source.
    ///
    /// - Parameter names: The fields the layout declares.
    /// - Throws: `CodecError` unless it has a declared field or a valid path, and exactly one of fault and codes.
    func validate(_ names: LayoutNames) throws(CodecError) {
        guard field != nil || path != nil else { throw CodecError("needs field or path") }
        guard (fault == nil) != (codes == nil) else { throw CodecError("give exactly one of fault and codes") }
        if let fault, fault.isEmpty { throw CodecError("fault: empty name") }
        if let field, !names.contains(field) {
            throw CodecError("field \"\(field)\" is not declared in the layout")
        }
        if let path { _ = try ObjectPath(parsing: path) }
        for (code, name) in codes ?? [:] {
            guard Int64(code) != nil, !name.isEmpty else {
                throw CodecError("codes: \"\(code)\": \"\(name)\" must map an integer to a non-empty name")
            }
        }
    }
}
