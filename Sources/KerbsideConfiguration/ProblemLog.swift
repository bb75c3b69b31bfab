/// Where a value came from: a file, a position when the format keeps one, and the dotted key path.
struct SourceLocation: Sendable, Equatable {
    var file: String
    var line: Int?
    var column: Int?
    var key: String

    /// The key path and, for YAML, the line, as a short "where else" hint inside another message.
    func shortDescription(relativeTo otherFile: String) -> String {
        var text = file == otherFile ? key : "\(file) \(key)"
        if let line { text += " (line \(line))" }
        return text
    }
}

/// Collects problems from every reader of one load, so each keeps going after a mistake and all are reported.
///
/// A class because readers are small value types passed around freely; they must all write to one list. It lives
/// for one synchronous load on one thread, so it needs no lock and is deliberately not `Sendable`.
final class ProblemLog {
    private(set) var problems: [ConfigurationProblem] = []
    private var files: [String] = []

    func report(_ message: String, at location: SourceLocation) {
        problems.append(
            ConfigurationProblem(
                file: location.file,
                line: location.line,
                column: location.column,
                key: location.key,
                message: message
            )
        )
    }

    func report(_ problem: ConfigurationProblem) {
        problems.append(problem)
    }

    /// Notes that `file` is being read, so its problems sort after those of the files read before it.
    func beginFile(_ file: String) {
        if !files.contains(file) { files.append(file) }
    }

    /// The problems ordered by file (in the order read) and position, keeping discovery order for ties so a value's
    /// problems stay in the order its checks ran.
    func sortedProblems() -> [ConfigurationProblem] {
        func sortKey(_ item: (offset: Int, element: ConfigurationProblem)) -> (Int, Int, Int, Int) {
            let rank = files.firstIndex(of: item.element.file) ?? files.count
            return (rank, item.element.line ?? 0, item.element.column ?? 0, item.offset)
        }
        return problems.enumerated().sorted { sortKey($0) < sortKey($1) }.map(\.element)
    }
}
