import Foundation
import KerbsideCore
import Yams

/// Loads and validates the daemon's YAML configuration and the GeoJSON inventory it names.
///
/// Loading happens once, before anything starts; it either returns a configuration that passed every check or
/// throws all the problems found, each with its file, line, key and what was expected.
public enum ConfigurationLoader {
    /// Reads the configuration file at `path`; relative paths inside it are relative to its directory.
    ///
    /// - Parameter path: The configuration file, absolute or relative to the working directory.
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigurationError`` listing every problem in the file and its inventory.
    public static func load(path: String) throws(ConfigurationError) -> DaemonConfiguration {
        let file = URL(fileURLWithPath: path).standardizedFileURL.path
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            let found =
                FileManager.default.fileExists(atPath: file)
                ? "a file that cannot be read as UTF-8 text (\(error.localizedDescription))" : "no such file"
            let message = "expected a readable YAML configuration file, found \(found)"
            throw ConfigurationError(problems: [ConfigurationProblem(file: file, key: "", message: message)])
        }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent().path
        return try load(yaml: text, file: file, baseDirectory: directory)
    }

    /// Reads configuration text as if it came from `file`, resolving relative paths against `baseDirectory`.
    ///
    /// - Parameters:
    ///   - yaml: The configuration text.
    ///   - file: The name problems are reported under and ``DaemonConfiguration/configFile`` records.
    ///   - baseDirectory: Where relative paths (inventory, storage, TLS and password files) start.
    /// - Returns: The validated configuration.
    /// - Throws: ``ConfigurationError`` listing every problem found.
    public static func load(
        yaml: String,
        file: String,
        baseDirectory: String
    ) throws(ConfigurationError)
        -> DaemonConfiguration
    {
        let log = ProblemLog()
        log.beginFile(file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            log.report(problem(from: error, file: file))
            throw ConfigurationError(problems: log.problems)
        }
        guard let root else {
            let message = "expected a mapping with at least site and inventory, found an empty document"
            throw ConfigurationError(problems: [ConfigurationProblem(file: file, key: "", message: message)])
        }
        let base = URL(fileURLWithPath: baseDirectory, isDirectory: true).standardizedFileURL.path
        let reader = ConfigurationReader(yaml: YAMLReader(file: file, log: log), baseDirectory: base)
        let configuration = reader.read(root, configFile: file)
        guard log.problems.isEmpty, let configuration else {
            let problems = log.sortedProblems()
            throw ConfigurationError(
                problems: problems.isEmpty
                    ? [ConfigurationProblem(file: file, key: "", message: "the configuration is incomplete")]
                    : problems
            )
        }
        return configuration
    }

    /// A YAML syntax error as a problem at its line and column.
    private static func problem(from error: any Error, file: String) -> ConfigurationProblem {
        func located(_ mark: Mark, _ message: String) -> ConfigurationProblem {
            ConfigurationProblem(file: file, line: mark.line, column: mark.column, key: "", message: message)
        }
        guard let error = error as? YamlError else {
            return ConfigurationProblem(file: file, key: "", message: "cannot parse YAML: \(error)")
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) at line \($0.mark.line), " } ?? ""
            return located(mark, "expected valid YAML, found a syntax error: \(detail)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return located(context.mark, "expected each key once in a mapping, found \(keys) more than once")
        default:
            return ConfigurationProblem(file: file, key: "", message: "expected valid YAML, found: \(error)")
        }
    }
}
