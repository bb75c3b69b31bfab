import Foundation
import KerbsideCore

/// Remembers where each zone, sign, group, bay, light, sensor and controller was declared, so the cross-checks of
/// `Inventory.problems`, which only name a subject such as `bay "B-12"`, can be reported at a file, key and line.
///
/// Not `Sendable`: it lives for one synchronous load.
final class InventoryLocations {
    private struct Entry: Hashable {
        var kind: String
        var id: String
        var field: String?
        var value: String?
    }

    private var locations: [Entry: [SourceLocation]] = [:]

    /// Whether bays, lights and their sensors and controllers are recorded. A million devices made several million
    /// records that a valid inventory never looks up, so the reader first loads without them and reads the files
    /// again with them on only when there are problems to place.
    var recordsDevices = true

    private static let deviceKinds: Set<String> = ["bay", "light", "sensor", "controller", "DevEUI"]

    /// Records that the `kind` (as Core names it: `zone`, `light group`, `sign`, `bay`, `light`, `sensor`,
    /// `controller`) with `id` is declared at `location`; `field` records one of its properties instead, and `value`
    /// one value of it, so that `zone "gare" is not configured` finds the very list item that names `gare`.
    func record(
        _ kind: String,
        id: String,
        field: String? = nil,
        value: String? = nil,
        at location: @autoclosure () -> SourceLocation
    ) {
        if !recordsDevices, Self.deviceKinds.contains(kind) { return }
        locations[Entry(kind: kind, id: id, field: field, value: value), default: []].append(location())
    }

    /// Reports each of `problems` at the declaration it is about, or at `fallback` when that is unknown.
    func report(_ problems: [InventoryProblem], to log: ProblemLog, fallback: SourceLocation) {
        // Core reports a duplicate once per extra declaration: the n-th report of a subject is its (n+1)-th place.
        var duplicatesSeen: [String: Int] = [:]
        for problem in problems {
            guard let (kind, id) = Self.parse(subject: problem.subject) else {
                log.report(problem.description, at: fallback)
                continue
            }
            let declared = locations[Entry(kind: kind, id: id)] ?? []
            if problem.message == "declared more than once", declared.count >= 2 {
                let occurrence = duplicatesSeen[problem.subject, default: 0] + 1
                duplicatesSeen[problem.subject] = occurrence
                let location = declared[min(occurrence, declared.count - 1)]
                let first = declared[0].shortDescription(relativeTo: location.file)
                log.report("\(problem.subject) is declared more than once; first at \(first)", at: location)
                continue
            }
            let field = Self.field(kind: kind, message: problem.message)
            let value = Self.firstQuoted(in: problem.message)
            let location =
                field.flatMap { field in
                    value.flatMap { locations[Entry(kind: kind, id: id, field: field, value: $0)]?.first }
                        ?? locations[Entry(kind: kind, id: id, field: field)]?.first
                } ?? declared.first ?? fallback
            log.report(problem.description, at: location)
        }
    }

    /// Splits `bay "B-12"` into its kind and id.
    private static func parse(subject: String) -> (kind: String, id: String)? {
        guard subject.hasSuffix("\"") else { return nil }
        let closing = subject.index(before: subject.endIndex)
        guard let quote = subject.firstIndex(of: "\""), quote < closing else { return nil }
        let kind = subject[..<quote].trimmingCharacters(in: .whitespaces)
        let id = subject[subject.index(after: quote)..<closing]
        return (String(kind), String(id))
    }

    /// `gare` in `zone "gare" is not configured`.
    private static func firstQuoted(in message: String) -> String? {
        let parts = message.split(separator: "\"", maxSplits: 2, omittingEmptySubsequences: false)
        return parts.count == 3 ? String(parts[1]) : nil
    }

    /// The property a cross-check message is about, so it points at `zone:` rather than the whole bay.
    private static func field(kind: String, message: String) -> String? {
        switch kind {
        case "bay" where message.hasPrefix("zone "): "zone"
        case "light" where message.hasPrefix("group "): "group"
        case "sign" where message.hasPrefix("zone ") || message == "counts no zone": "zones"
        case "sign": "thresholds"
        default: nil
        }
    }
}
