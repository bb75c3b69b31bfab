/// One JSON value found by `JSONScanner`, located by byte offsets into the scanner's input.
///
/// Tokens hold no copies of the input: a caller keeps the ones it needs while the scan goes on and interprets them
/// afterwards, so a payload that turns out to be malformed further on never costs a string or number conversion.
/// Nested arrays and objects are validated but their content is not kept.
struct JSONToken: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        case string
        case number
        case `true`
        case `false`
        case null
        case array
        case object
    }

    var kind: Kind
    /// For strings, the first byte after the opening quote; otherwise the value's first byte.
    var start: Int
    /// For strings, the offset of the closing quote; otherwise one past the value's last byte.
    var end: Int
    /// Strings only: the raw bytes contain at least one backslash escape, so they differ from the decoded text.
    var hasEscapes: Bool = false
    /// Numbers only: the literal has neither a fraction nor an exponent.
    var isIntegerLiteral: Bool = false
}

/// A JSON syntax error: what was wrong and the byte offset where it was noticed.
struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    var message: String
    var offset: Int

    var description: String { "\(message) at byte \(offset)" }
}
