/// One thing wrong with the configuration, located precisely enough to fix without guessing.
///
/// Problems print like compiler diagnostics (`file:line:column: key: message`) so editors and the journal show them
/// the way people already read errors.
public struct ConfigurationProblem: Sendable, Equatable, CustomStringConvertible {
    /// The file the problem is in: the YAML configuration or one of its GeoJSON inventory files.
    public var file: String
    /// 1-based line, when the file format keeps positions (YAML does, GeoJSON here does not).
    public var line: Int?
    /// 1-based column, counted in Unicode scalars.
    public var column: Int?
    /// Dotted path to the offending value, e.g. `signs[1].thresholds.full_decreasing` or
    /// `features[12].properties.zone`; list indices count from 0. Empty when the problem is the whole file.
    public var key: String
    /// What was expected and what was found.
    public var message: String

    /// Creates a problem; `line` and `column` are 1-based.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return key.isEmpty ? "\(location): \(message)" : "\(location): \(key): \(message)"
    }
}
