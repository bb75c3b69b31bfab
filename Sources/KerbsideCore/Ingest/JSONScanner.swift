/// A strict RFC 8259 reader for one JSON object, walking its members without building a document.
///
/// It exists because the ingest path decodes every MQTT message: Foundation's JSON decoders allocate a tree (or a
/// `Decodable` container) per message, while this scanner only records where each value lies. It validates the whole
/// input (string escapes, number grammar, UTF-8, nesting up to `maximumDepth`, nothing after the top-level value) and
/// leaves interpretation to the caller via `JSONToken`s and the conversions in `JSONScanner+Values.swift`.
///
/// Typical use:
/// ```swift
/// var scanner = JSONScanner(bytes)
/// try scanner.beginTopLevelObject()
/// while let (key, value) = try scanner.nextMember() { ... }
/// try scanner.finish()
/// ```
/// The scanner does not own `bytes`; it must not outlive the buffer.
struct JSONScanner {
    /// Containers nested deeper than this are rejected, so a hostile payload cannot exhaust the stack.
    static let maximumDepth = 32

    let bytes: UnsafeRawBufferPointer
    private(set) var offset: Int
    /// True right after an opening bracket, where a closing bracket is allowed but a comma is not.
    private var atContainerStart = false

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        self.offset = 0
    }

    // MARK: - Walking the top-level object

    /// Reads up to and including the opening brace of the top-level value.
    /// - Throws: `JSONSyntaxError` if the input is empty or its top-level value is not an object.
    mutating func beginTopLevelObject() throws(JSONSyntaxError) {
        skipWhitespace()
        guard offset < bytes.count else {
            throw JSONSyntaxError(message: bytes.isEmpty ? "empty input" : "no value", offset: offset)
        }
        guard bytes[offset] == Byte.openBrace else {
            throw JSONSyntaxError(message: "top-level value is not an object", offset: offset)
        }
        offset += 1
        atContainerStart = true
    }

    /// Reads the next member of the object being walked.
    /// - Returns: the key (a string token) and its value, or `nil` after the closing brace.
    mutating func nextMember() throws(JSONSyntaxError) -> (key: JSONToken, value: JSONToken)? {
        guard try advanceToNextItem(closing: Byte.closeBrace) else { return nil }
        guard offset < bytes.count, bytes[offset] == Byte.quote else { throw failure("expected a string key") }
        let key = try scanString()
        try expectColon()
        let value = try scanValue(depth: 2)
        return (key, value)
    }

    /// Checks that nothing but whitespace follows the top-level value.
    mutating func finish() throws(JSONSyntaxError) {
        skipWhitespace()
        guard offset == bytes.count else { throw failure("unexpected data after the top-level value") }
    }

    // MARK: - Walking an array found earlier

    /// A scanner positioned inside `array`, an array token from this scanner, ready for `nextElement()`.
    func elements(of array: JSONToken) -> JSONScanner {
        precondition(array.kind == .array, "elements(of:) needs an array token")
        var inner = self
        inner.offset = array.start + 1
        inner.atContainerStart = true
        return inner
    }

    /// Reads the next element of the array this scanner was positioned in by `elements(of:)`.
    /// - Returns: the element, or `nil` after the closing bracket.
    mutating func nextElement() throws(JSONSyntaxError) -> JSONToken? {
        guard try advanceToNextItem(closing: Byte.closeBracket) else { return nil }
        // The array was validated at its real depth already, so counting from 2 here can only under-count.
        return try scanValue(depth: 2)
    }

    // MARK: - Values

    /// Skips whitespace, then the separator or closing bracket before the next item of the current container.
    /// - Returns: `false` if the container ended.
    private mutating func advanceToNextItem(closing: UInt8) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of input") }
        let byte = bytes[offset]
        if byte == closing {
            offset += 1
            return false
        }
        if atContainerStart {
            atContainerStart = false
        } else {
            guard byte == Byte.comma else {
                throw failure(closing == Byte.closeBrace ? "expected ',' or '}'" : "expected ',' or ']'")
            }
            offset += 1
            skipWhitespace()
        }
        return true
    }

    private mutating func expectColon() throws(JSONSyntaxError) {
        skipWhitespace()
        guard offset < bytes.count, bytes[offset] == Byte.colon else { throw failure("expected ':'") }
        offset += 1
        skipWhitespace()
    }

    /// Scans one value starting at `offset` (whitespace already skipped).
    /// - Parameter depth: the nesting depth the value would have if it were a container (the top-level object is 1).
    /// - Returns: the value's token; containers are validated and skipped.
    /// - Throws: `JSONSyntaxError` at the first byte that breaks the grammar.
    private mutating func scanValue(depth: Int) throws(JSONSyntaxError) -> JSONToken {
        guard offset < bytes.count else { throw failure("unexpected end of input") }
        let start = offset
        switch bytes[offset] {
        case Byte.quote:
            return try scanString()
        case Byte.minus, Byte.zero...Byte.nine:
            return try scanNumber()
        case Byte.lowerT:
            try expectLiteral("true")
            return JSONToken(kind: .true, start: start, end: offset)
        case Byte.lowerF:
            try expectLiteral("false")
            return JSONToken(kind: .false, start: start, end: offset)
        case Byte.lowerN:
            try expectLiteral("null")
            return JSONToken(kind: .null, start: start, end: offset)
        case Byte.openBracket:
            try skipContainer(depth: depth, closing: Byte.closeBracket)
            return JSONToken(kind: .array, start: start, end: offset)
        case Byte.openBrace:
            try skipContainer(depth: depth, closing: Byte.closeBrace)
            return JSONToken(kind: .object, start: start, end: offset)
        default:
            throw failure("unexpected character")
        }
    }

    /// Validates an array or object and moves past it; recursion is bounded by `maximumDepth`.
    private mutating func skipContainer(depth: Int, closing: UInt8) throws(JSONSyntaxError) {
        guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        offset += 1
        atContainerStart = true
        while try advanceToNextItem(closing: closing) {
            if closing == Byte.closeBrace {
                guard offset < bytes.count, bytes[offset] == Byte.quote else { throw failure("expected a string key") }
                _ = try scanString()
                try expectColon()
            }
            _ = try scanValue(depth: depth + 1)
        }
        // An empty container ends with the flag still set; the enclosing container must see a comma next.
        atContainerStart = false
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let length = literal.utf8CodeUnitCount
        guard bytes.count - offset >= length else { throw failure("invalid literal") }
        let matches = literal.withUTF8Buffer { expected in
            for index in 0..<length where bytes[offset + index] != expected[index] {
                return false
            }
            return true
        }
        guard matches else { throw failure("invalid literal") }
        offset += length
    }

    /// Scans `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`; what follows is the container's business.
    private mutating func scanNumber() throws(JSONSyntaxError) -> JSONToken {
        let start = offset
        if bytes[offset] == Byte.minus { offset += 1 }
        guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("invalid number") }
        if bytes[offset] == Byte.zero {
            offset += 1
            if offset < bytes.count, isDigit(bytes[offset]) { throw failure("invalid number: leading zero") }
        } else {
            skipDigits()
        }
        var isInteger = true
        if offset < bytes.count, bytes[offset] == Byte.dot {
            offset += 1
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("invalid number: empty fraction") }
            skipDigits()
            isInteger = false
        }
        if offset < bytes.count, bytes[offset] | 0x20 == Byte.lowerE {
            offset += 1
            if offset < bytes.count, bytes[offset] == Byte.plus || bytes[offset] == Byte.minus { offset += 1 }
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("invalid number: empty exponent") }
            skipDigits()
            isInteger = false
        }
        return JSONToken(kind: .number, start: start, end: offset, isIntegerLiteral: isInteger)
    }

    /// Scans a string from its opening quote, checking escapes, control characters and UTF-8.
    private mutating func scanString() throws(JSONSyntaxError) -> JSONToken {
        offset += 1
        let start = offset
        var hasEscapes = false
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == Byte.quote {
                let token = JSONToken(kind: .string, start: start, end: offset, hasEscapes: hasEscapes)
                offset += 1
                return token
            } else if byte == Byte.backslash {
                hasEscapes = true
                try scanEscape()
            } else if byte < 0x20 {
                throw failure("control character in string")
            } else if byte < 0x80 {
                offset += 1
            } else {
                try scanMultiByteScalar()
            }
        }
        throw JSONSyntaxError(message: "unterminated string", offset: start - 1)
    }

    /// Scans one escape sequence from its backslash; `\u` surrogates must come as a high-low pair (RFC 7493).
    private mutating func scanEscape() throws(JSONSyntaxError) {
        guard offset + 1 < bytes.count else { throw failure("unterminated string") }
        switch bytes[offset + 1] {
        case Byte.quote, Byte.backslash, Byte.slash, Byte.lowerB, Byte.lowerF, Byte.lowerN, Byte.lowerR,
            Byte.lowerT:
            offset += 2
        case Byte.lowerU:
            let unit = try hexEscape(at: offset)
            if (0xDC00...0xDFFF).contains(unit) { throw failure("invalid \\u escape: unpaired low surrogate") }
            if (0xD800...0xDBFF).contains(unit) {
                let next = offset + 6
                guard next + 1 < bytes.count, bytes[next] == Byte.backslash, bytes[next + 1] == Byte.lowerU,
                    (0xDC00...0xDFFF).contains(try hexEscape(at: next))
                else { throw failure("invalid \\u escape: unpaired high surrogate") }
                offset += 12
            } else {
                offset += 6
            }
        default:
            throw failure("invalid escape")
        }
    }

    /// The code unit of the `\uXXXX` escape whose backslash is at `position`.
    private func hexEscape(at position: Int) throws(JSONSyntaxError) -> UInt16 {
        guard position + 6 <= bytes.count else {
            throw JSONSyntaxError(message: "invalid \\u escape", offset: position)
        }
        var unit: UInt16 = 0
        for index in position + 2..<position + 6 {
            guard let nibble = JSONScanner.hexValue(bytes[index]) else {
                throw JSONSyntaxError(message: "invalid \\u escape", offset: position)
            }
            unit = unit << 4 | UInt16(nibble)
        }
        return unit
    }

    /// Validates one multi-byte UTF-8 sequence (Unicode table 3-7: no overlongs, no surrogates, at most U+10FFFF).
    private mutating func scanMultiByteScalar() throws(JSONSyntaxError) {
        let lead = bytes[offset]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0:
            length = 3
            secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED:
            length = 3
            secondRange = 0x80...0x9F
        case 0xF0:
            length = 4
            secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4:
            length = 4
            secondRange = 0x80...0x8F
        default: throw failure("invalid UTF-8")
        }
        guard offset + length <= bytes.count, secondRange.contains(bytes[offset + 1]) else {
            throw failure("invalid UTF-8")
        }
        for index in offset + 2..<offset + length where bytes[index] & 0xC0 != 0x80 {
            throw failure("invalid UTF-8")
        }
        offset += length
    }

    // MARK: - Small helpers

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case Byte.space, Byte.tab, Byte.lineFeed, Byte.carriageReturn: offset += 1
            default: return
            }
        }
    }

    private mutating func skipDigits() {
        while offset < bytes.count, isDigit(bytes[offset]) { offset += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte &- Byte.zero < 10 }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case Byte.zero...Byte.nine: byte - Byte.zero
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private func failure(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: offset)
    }
}
