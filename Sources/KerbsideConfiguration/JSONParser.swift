/// A strict RFC 8259 parser for inventory files that keeps the line and column of every object.
///
/// Foundation's decoders neither report positions nor say whether `1` was a number or `true` a boolean without
/// bridging tricks, and `Decodable` probing of unknown shapes is slow on files of tens of thousands of features.
struct JSONParser {
    /// Nesting deeper than this is refused, so a malformed file cannot exhaust the stack.
    static let maximumDepth = 256

    private let bytes: [UInt8]
    private var offset = 0
    private var line = 1
    private var lineStart = 0
    /// UTF-8 continuation bytes seen so far and at the start of the line: columns count Unicode scalars.
    private var continuationBytes = 0
    private var continuationBytesAtLineStart = 0

    /// Parses `bytes` as one JSON value.
    ///
    /// - Throws: ``JSONParseError`` at the first syntax error.
    static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.offset = 3 }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    /// Parses `bytes` as one JSON value, except that the elements of the root object's array member named `member`
    /// are handed to `element` one by one as they are parsed, with their index and the root object so far, and not
    /// kept: that member reads as an empty array in the result.
    ///
    /// A million-feature inventory kept as one tree took a gigabyte and most of the start-up; read this way, one
    /// feature is in memory at a time.
    ///
    /// - Throws: ``JSONParseError`` at the first syntax error; elements before it have been handed over.
    static func parse(
        _ bytes: [UInt8],
        streamingElementsOf member: String,
        to element: @escaping (JSONValue, Int, JSONObject) -> Void
    ) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.streamed = (member, element)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.offset = 3 }
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }

    /// The root member whose array elements are handed over instead of kept, and to what.
    private var streamed: (member: String, element: (JSONValue, Int, JSONObject) -> Void)?

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private var column: Int {
        offset - lineStart - (continuationBytes - continuationBytesAtLineStart) + 1
    }

    private func failure(_ message: String) -> JSONParseError {
        JSONParseError(message: message, line: line, column: column)
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                offset += 1
            case UInt8(ascii: "\n"):
                offset += 1
                line += 1
                lineStart = offset
                continuationBytesAtLineStart = continuationBytes
            default:
                return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of input, expected a value") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character, expected a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        var object = JSONObject(members: [:], line: line, column: column)
        offset += 1
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw failure("expected a quoted member name")
            }
            let key = try parseString()
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw failure("expected \":\"") }
            offset += 1
            skipWhitespace()
            let startsArray = offset < bytes.count && bytes[offset] == UInt8(ascii: "[")
            if depth == 1, startsArray, let streamed, key == streamed.member {
                try parseArray(depth: depth + 1) { element, index in streamed.element(element, index, object) }
                object.members[key] = .array([])
            } else {
                object.members[key] = try parseValue(depth: depth)
            }
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of input, expected \",\" or \"}\"") }
            if bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return .object(object)
            }
            guard bytes[offset] == UInt8(ascii: ",") else { throw failure("expected \",\" or \"}\"") }
            offset += 1
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        var elements: [JSONValue] = []
        try parseArray(depth: depth) { element, _ in elements.append(element) }
        return .array(elements)
    }

    /// Parses an array, handing each element to `element` with its index.
    private mutating func parseArray(
        depth: Int,
        handing element: (JSONValue, Int) -> Void
    ) throws(JSONParseError) {
        guard depth <= Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        var index = 0
        offset += 1
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            return
        }
        while true {
            element(try parseValue(depth: depth), index)
            index += 1
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of input, expected \",\" or \"]\"") }
            if bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return
            }
            guard bytes[offset] == UInt8(ascii: ",") else { throw failure("expected \",\" or \"]\"") }
            offset += 1
        }
    }

    private mutating func parseLiteral(_ word: String, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        let utf8 = Array(word.utf8)
        guard bytes[offset...].starts(with: utf8) else { throw failure("unexpected character, expected a value") }
        offset += utf8.count
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> Double {
        let start = offset
        func digits() -> Int {
            let first = offset
            while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            return offset - first
        }
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        let integerDigits = digits()
        guard integerDigits > 0, integerDigits == 1 || bytes[integerStart] != UInt8(ascii: "0") else {
            throw failure("malformed number")
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            offset += 1
            guard digits() > 0 else { throw failure("malformed number: digits must follow \".\"") }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                offset += 1
            }
            guard digits() > 0 else { throw failure("malformed number: digits must follow the exponent") }
        }
        guard let value = Double(String(decoding: bytes[start..<offset], as: UTF8.self)), value.isFinite else {
            throw failure("number out of range")
        }
        return value
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        offset += 1
        let start = offset
        var decoded: [UInt8]?
        while offset < bytes.count {
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                let text =
                    decoded.map { String(decoding: $0, as: UTF8.self) }
                    ?? String(decoding: bytes[start..<offset], as: UTF8.self)
                offset += 1
                return text
            case UInt8(ascii: "\\"):
                // Escapes are rare in inventories: copy only once one appears.
                if decoded == nil { decoded = Array(bytes[start..<offset]) }
                try parseEscape(into: &decoded)
            case 0..<0x20:
                throw failure("control character in a string (escape it)")
            default:
                if byte & 0xC0 == 0x80 { continuationBytes += 1 }
                decoded?.append(byte)
                offset += 1
            }
        }
        throw failure("unterminated string")
    }

    private mutating func parseEscape(into decoded: inout [UInt8]?) throws(JSONParseError) {
        offset += 1
        guard offset < bytes.count else { throw failure("unterminated string") }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
            UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
        ]
        if let byte = simple[bytes[offset]] {
            decoded?.append(byte)
            offset += 1
            return
        }
        guard bytes[offset] == UInt8(ascii: "u") else { throw failure("unknown escape in a string") }
        offset += 1
        var scalarValue = try hexQuad()
        // A high surrogate must be followed by an escaped low one; together they name one scalar.
        if (0xD800..<0xDC00).contains(scalarValue), bytes[offset...].starts(with: [0x5C, UInt8(ascii: "u")]) {
            offset += 2
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw failure("invalid surrogate pair in a string") }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("invalid \\u escape in a string") }
        decoded?.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    private mutating func hexQuad() throws(JSONParseError) -> UInt32 {
        guard offset + 4 <= bytes.count,
            bytes[offset..<offset + 4].allSatisfy({ Character(UnicodeScalar($0)).isHexDigit }),
            let value = UInt32(String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16)
        else { throw failure("expected four hex digits after \\u") }
        offset += 4
        return value
    }
}

/// Where and why a JSON text is malformed.
struct JSONParseError: Error, Equatable {
    var message: String
    var line: Int
    var column: Int
}
