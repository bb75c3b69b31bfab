/// A storage failure with a stable code, for logs, `/readyz` and metrics.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The database was written by a newer Kerbside; this one will not touch it.
        case schemaNewer = "schema_newer"
        case open
        case write
        case read
        /// The ingest journal cannot be created, allocated or mapped.
        case journal
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
