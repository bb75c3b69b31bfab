import Foundation

/// Interprets the tokens of a scanned payload as the field types of our wire contract, throwing `.schema`
/// rejections whose detail names the field, what was expected and what came.
///
/// Every reader treats a missing field and JSON `null` alike, so optional fields may be sent as `null`.
struct PayloadFieldReader {
    /// 9999-12-31T23:59:59.999Z in epoch milliseconds; anything later is a device bug, not a time.
    static let latestEpochMilliseconds: UInt64 = 253_402_300_799_999

    let scanner: JSONScanner

    /// A present, non-null token, or `nil`.
    private func present(_ token: JSONToken?) -> JSONToken? {
        guard let token, token.kind != .null else { return nil }
        return token
    }

    private func mismatch(_ field: String, _ expected: String, _ token: JSONToken) -> Rejection {
        Rejection(.schema, "\(field): expected \(expected), got \(scanner.excerpt(token))")
    }

    /// A required JSON boolean.
    func requiredBoolean(_ token: JSONToken?, field: String) throws(Rejection) -> Bool {
        guard let token else { throw Rejection(.schema, "\(field): required boolean missing") }
        switch token.kind {
        case .true: return true
        case .false: return false
        default: throw mismatch(field, "boolean", token)
        }
    }

    /// A required whole number in `range`; a number with a zero fraction (`60.0`, `6e1`) counts as whole.
    func requiredInteger(_ token: JSONToken?, field: String, in range: ClosedRange<Int>) throws(Rejection) -> Int {
        let expected = "integer \(range.lowerBound)...\(range.upperBound)"
        guard let token else { throw Rejection(.schema, "\(field): required \(expected) missing") }
        guard token.kind == .number else { throw mismatch(field, expected, token) }
        let value = scanner.double(token)
        guard value.rounded() == value, Double(range.lowerBound) <= value, value <= Double(range.upperBound) else {
            throw mismatch(field, expected, token)
        }
        return Int(value)
    }

    /// An optional finite number in `range`; `-0` reads as `0`.
    func number(_ token: JSONToken?, field: String, in range: ClosedRange<Double>) throws(Rejection) -> Double? {
        guard let token = present(token) else { return nil }
        let value = token.kind == .number ? scanner.double(token) : .nan
        guard value.isFinite, range.contains(value) else {
            let upper = range.upperBound == .infinity ? "" : "\(range.upperBound.formatted)"
            throw mismatch(field, "finite number \(range.lowerBound.formatted)...\(upper)", token)
        }
        return value + 0
    }

    /// An optional counter: a plain integer literal that fits `UInt64`; signs, fractions and exponents are refused
    /// so that a counter never passes through floating point.
    func sequence(_ token: JSONToken?, field: String = "seq") throws(Rejection) -> UInt64? {
        guard let token = present(token) else { return nil }
        guard let value = scanner.unsignedInteger(token) else {
            throw mismatch(field, "unsigned integer 0...\(UInt64.max)", token)
        }
        return value
    }

    /// An optional timestamp: an RFC 3339 string or integer epoch milliseconds up to the end of year 9999.
    func timestamp(_ token: JSONToken?, field: String = "ts") throws(Rejection) -> Date? {
        guard let token = present(token) else { return nil }
        switch token.kind {
        case .number:
            guard let milliseconds = scanner.unsignedInteger(token), milliseconds <= Self.latestEpochMilliseconds
            else { throw mismatch(field, "integer epoch milliseconds 0...\(Self.latestEpochMilliseconds)", token) }
            return Date(timeIntervalSince1970: Double(milliseconds) / 1e3)
        case .string:
            do throws(RFC3339.ParseError) {
                if token.hasEscapes { return try RFC3339.parse(scanner.string(token)) }
                return try RFC3339.parse(utf8: UnsafeRawBufferPointer(rebasing: scanner.bytes[token.start..<token.end]))
            } catch {
                throw Rejection(.schema, "\(field): invalid RFC 3339 timestamp \(scanner.excerpt(token)): \(error)")
            }
        default:
            throw mismatch(field, "RFC 3339 string or integer epoch milliseconds", token)
        }
    }

    /// An optional string of at most `maximumUTF8Count` bytes of UTF-8.
    func string(_ token: JSONToken?, field: String, maximumUTF8Count: Int) throws(Rejection) -> String? {
        guard let token = present(token) else { return nil }
        guard token.kind == .string else { throw mismatch(field, "string", token) }
        let value = scanner.string(token)
        guard value.utf8.count <= maximumUTF8Count else {
            throw Rejection(.schema, "\(field): expected at most \(maximumUTF8Count) bytes, got \(value.utf8.count)")
        }
        return value
    }

    /// An optional array of strings, in order, without repeats; absent reads as empty.
    func uniqueStrings(_ token: JSONToken?, field: String) throws(Rejection) -> [String] {
        guard let token = present(token) else { return [] }
        guard token.kind == .array else { throw mismatch(field, "array of strings", token) }
        var elements = scanner.elements(of: token)
        var result: [String] = []
        var seen: Set<String> = []
        var index = 0
        while true {
            let element: JSONToken?
            do throws(JSONSyntaxError) {
                element = try elements.nextElement()
            } catch {
                // Unreachable: the whole payload was validated before any field is read.
                throw Rejection(.malformedJSON, error.description)
            }
            guard let element else { break }
            guard element.kind == .string else {
                throw Rejection(.schema, "\(field)[\(index)]: expected string, got \(scanner.excerpt(element))")
            }
            let value = scanner.string(element)
            // A linear scan beats hashing for the usual one or two faults; the set only guards against long lists.
            let isRepeat: Bool
            if result.count < 8 {
                isRepeat = result.contains(value)
            } else {
                if seen.isEmpty { seen = Set(result) }
                isRepeat = !seen.insert(value).inserted
            }
            if !isRepeat { result.append(value) }
            index += 1
        }
        return result
    }
}

extension Double {
    /// `3.0` as `3`, so range descriptions in details read like the contract.
    fileprivate var formatted: String {
        rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
