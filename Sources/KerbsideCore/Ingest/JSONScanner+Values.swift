import Foundation

/// Conversions of scanned tokens into Swift values, done only for the fields a decoder needs.
extension JSONScanner {
    /// Longest raw token text quoted in a rejection detail; payloads are untrusted and details end up in logs.
    static let maximumExcerptBytes = 40

    // MARK: - Strings

    /// Whether a string token's decoded text equals `text`; compares bytes in place unless the token has escapes.
    @inline(__always)  // Called per key per candidate field; inlining folds the constant length checks.
    func string(_ token: JSONToken, equals text: StaticString) -> Bool {
        guard token.kind == .string else { return false }
        if token.hasEscapes { return string(token) == text.description }
        let length = token.end - token.start
        guard length == text.utf8CodeUnitCount else { return false }
        guard length > 0, let base = bytes.baseAddress else { return true }
        // memcmp, because this runs for every key of every message and a byte loop measured ~3x slower.
        return text.withUTF8Buffer { expected in
            guard let expectedBase = expected.baseAddress else { return false }
            return memcmp(base + token.start, expectedBase, length) == 0
        }
    }

    /// The decoded text of a string token.
    func string(_ token: JSONToken) -> String {
        precondition(token.kind == .string, "string(_:) needs a string token")
        let raw = UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end])
        guard token.hasEscapes else { return String(decoding: raw, as: UTF8.self) }
        // Every escape is at least as long as the UTF-8 it stands for, so the raw length bounds the result.
        return String(unsafeUninitializedCapacity: raw.count) { Self.unescape(raw, into: $0) }
    }

    /// Writes the UTF-8 of an escaped string body that `scanString` has validated; returns the byte count.
    private static func unescape(_ raw: UnsafeRawBufferPointer, into output: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var read = 0
        var written = 0
        func put(_ byte: UInt8) {
            output[written] = byte
            written += 1
        }
        while read < raw.count {
            let byte = raw[read]
            guard byte == Byte.backslash else {
                put(byte)
                read += 1
                continue
            }
            let escaped = raw[read + 1]
            read += 2
            switch escaped {
            case Byte.lowerB: put(0x08)
            case Byte.lowerF: put(0x0C)
            case Byte.lowerN: put(0x0A)
            case Byte.lowerR: put(0x0D)
            case Byte.lowerT: put(0x09)
            case Byte.lowerU:
                var scalar = UInt32(hexUnit(raw, at: read))
                read += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    // The scanner guarantees a low surrogate escape follows.
                    let low = UInt32(hexUnit(raw, at: read + 2))
                    read += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                // Manual encoding: the scanner rejected lone surrogates, so every value here is a valid scalar.
                if scalar < 0x80 {
                    put(UInt8(scalar))
                } else if scalar < 0x800 {
                    put(0xC0 | UInt8(scalar >> 6))
                    put(0x80 | UInt8(scalar & 0x3F))
                } else if scalar < 0x10000 {
                    put(0xE0 | UInt8(scalar >> 12))
                    put(0x80 | UInt8((scalar >> 6) & 0x3F))
                    put(0x80 | UInt8(scalar & 0x3F))
                } else {
                    put(0xF0 | UInt8(scalar >> 18))
                    put(0x80 | UInt8((scalar >> 12) & 0x3F))
                    put(0x80 | UInt8((scalar >> 6) & 0x3F))
                    put(0x80 | UInt8(scalar & 0x3F))
                }
            default: put(escaped)  // quote, backslash, slash
            }
        }
        return written
    }

    private static func hexUnit(_ raw: UnsafeRawBufferPointer, at position: Int) -> UInt16 {
        var unit: UInt16 = 0
        for index in position..<position + 4 {
            unit = unit << 4 | UInt16(hexValue(raw[index]) ?? 0)
        }
        return unit
    }

    // MARK: - Numbers

    /// The value of a number token written as a plain non-negative integer (no sign, fraction or exponent).
    /// - Returns: `nil` for negative, fractional or exponent forms and for values beyond `UInt64.max`.
    func unsignedInteger(_ token: JSONToken) -> UInt64? {
        guard token.kind == .number, token.isIntegerLiteral, bytes[token.start] != Byte.minus else { return nil }
        var value: UInt64 = 0
        for index in token.start..<token.end {
            let (shifted, overflowMultiplying) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdding) = shifted.addingReportingOverflow(UInt64(bytes[index] &- Byte.zero))
            if overflowMultiplying || overflowAdding { return nil }
            value = sum
        }
        return value
    }

    /// The `Double` nearest to a number token's value; ±infinity when it is out of range.
    func double(_ token: JSONToken) -> Double {
        precondition(token.kind == .number, "double(_:) needs a number token")
        if let exact = fastDouble(token) { return exact }
        // Rare shapes (many digits, large exponents) go to the standard library's correctly rounded parser.
        // Numbers of up to 15 bytes fit a small string, so even this path seldom allocates.
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[token.start..<token.end]), as: UTF8.self)
        return Double(text) ?? .nan
    }

    /// Clinger's fast path: when the decimal significand and its power of ten are both exact doubles, one IEEE
    /// multiplication or division rounds correctly. Returns `nil` when the literal is outside that case.
    private func fastDouble(_ token: JSONToken) -> Double? {
        var index = token.start
        let isNegative = bytes[index] == Byte.minus
        if isNegative { index += 1 }
        var significand: UInt64 = 0
        var fractionDigits = 0
        var inFraction = false
        while index < token.end {
            let byte = bytes[index]
            if byte == Byte.dot {
                inFraction = true
            } else if byte &- Byte.zero < 10 {
                guard significand < (1 << 53) / 10 else { return nil }
                significand = significand * 10 + UInt64(byte &- Byte.zero)
                if inFraction { fractionDigits += 1 }
            } else {
                break
            }
            index += 1
        }
        var exponent = 0
        if index < token.end {
            // An exponent marker; its sign and digits follow.
            index += 1
            var exponentIsNegative = false
            if bytes[index] == Byte.minus || bytes[index] == Byte.plus {
                exponentIsNegative = bytes[index] == Byte.minus
                index += 1
            }
            while index < token.end {
                guard exponent < 1000 else { return nil }
                exponent = exponent * 10 + Int(bytes[index] &- Byte.zero)
                index += 1
            }
            if exponentIsNegative { exponent = -exponent }
        }
        let magnitude: Double
        if significand == 0 {
            magnitude = 0
        } else {
            let power = exponent - fractionDigits
            guard power >= -22, power <= 22 else { return nil }
            let scale = Self.exactPowersOfTen[abs(power)]
            magnitude = power < 0 ? Double(significand) / scale : Double(significand) * scale
        }
        return isNegative ? -magnitude : magnitude
    }

    /// 10^0 through 10^22, the powers of ten a `Double` represents exactly.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    // MARK: - Describing tokens

    /// A short rendering of a token for rejection details: its raw JSON text, cut at `maximumExcerptBytes`.
    func excerpt(_ token: JSONToken) -> String {
        let start: Int
        let end: Int
        switch token.kind {
        case .array: return "an array"
        case .object: return "an object"
        case .string: (start, end) = (token.start - 1, token.end + 1)
        default: (start, end) = (token.start, token.end)
        }
        guard end - start > Self.maximumExcerptBytes else {
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
        var cut = start + Self.maximumExcerptBytes
        // Back off to a scalar boundary so the excerpt stays valid UTF-8.
        while cut > start, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<cut]), as: UTF8.self) + "…"
    }
}
