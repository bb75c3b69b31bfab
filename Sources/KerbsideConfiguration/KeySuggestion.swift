/// Guesses which known key a misspelt one meant, so "unknown key" comes with the likely fix.
enum KeySuggestion {
    /// The closest of `candidates` to `key`, or `nil` when none is close enough to be a plausible typo.
    static func closest(to key: String, in candidates: [String]) -> String? {
        let normalizedKey = normalized(key)
        // camelCase or dashed spellings of a snake_case key are the commonest slip; match them outright.
        if let exact = candidates.first(where: { normalized($0) == normalizedKey }) { return exact }
        // Abbreviations such as `warn` for `warning` or `crit` for `critical`.
        if normalizedKey.count >= 3,
            let abbreviated = candidates.first(where: { normalized($0).starts(with: normalizedKey) })
        {
            return abbreviated
        }
        let scored = candidates.map { (candidate: $0, distance: distance(normalizedKey, normalized($0))) }
        guard let best = scored.min(by: { $0.distance < $1.distance }) else { return nil }
        let tolerance = max(2, best.candidate.count / 4)
        return best.distance <= tolerance ? best.candidate : nil
    }

    private static func normalized(_ key: String) -> [Character] {
        Array(key.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Levenshtein distance; keys are short, so the quadratic table costs nothing.
    private static func distance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        guard !lhs.isEmpty else { return rhs.count }
        guard !rhs.isEmpty else { return lhs.count }
        var previous = Array(0...rhs.count)
        var current = previous
        for (row, left) in lhs.enumerated() {
            current[0] = row + 1
            for (column, right) in rhs.enumerated() {
                let substitution = previous[column] + (left == right ? 0 : 1)
                current[column + 1] = min(substitution, previous[column + 1] + 1, current[column] + 1)
            }
            swap(&previous, &current)
        }
        return previous[rhs.count]
    }
}
