/// Every problem found in one pass over the configuration and its inventory files.
///
/// Loading never stops at the first mistake: fixing a city's configuration one error per restart is a slow way to
/// spend an evening, so all of them are reported together.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The problems, ordered by file (the configuration first) and then by position.
    public var problems: [ConfigurationProblem]

    /// Creates an error from at least one problem.
    public init(problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    /// One problem per line, then how many there were.
    public var description: String {
        let count = problems.count == 1 ? "1 configuration problem" : "\(problems.count) configuration problems"
        return (problems.map(\.description) + [count]).joined(separator: "\n")
    }
}
