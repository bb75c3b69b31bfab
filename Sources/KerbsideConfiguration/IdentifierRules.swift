/// What an id of a zone, sign, group, bay, light, sensor or controller may contain.
///
/// Ids become MQTT topic levels (`P/parking/{sensor}/state`, `P/signs/{sign}`) and URL path segments
/// (`/api/v1/parking/bays/{id}`), where `/`, `+`, `#` and white space would route wrongly or not at all.
public enum IdentifierRules {
    /// Why `id` cannot be used, phrased as "expected ..., found ...", or `nil` when it is fine.
    public static func problem(with id: String) -> String? {
        if id.isEmpty { return "expected a non-empty id, found an empty string" }
        guard let character = forbiddenCharacter(in: id) else { return nil }
        return "expected an id without /, +, # or white space (ids are used in MQTT topics and URLs), "
            + "found \"\(id)\" containing \(character)"
    }

    /// Why `prefix` cannot start every topic, or `nil`; unlike an id it may span several levels (`city/niort`).
    static func topicPrefixProblem(with prefix: String) -> String? {
        let levels = prefix.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.allSatisfy({ !$0.isEmpty }) else {
            return "expected topic levels separated by single slashes, without a leading or trailing one, "
                + "found \"\(prefix)\""
        }
        guard let character = levels.lazy.compactMap({ forbiddenCharacter(in: $0) }).first else { return nil }
        return "expected a topic prefix without +, # or white space, found \"\(prefix)\" containing \(character)"
    }

    private static func forbiddenCharacter(in text: some StringProtocol) -> String? {
        // Nearly every id is ASCII, where the forbidden set is a few byte values; Unicode's properties are looked up
        // only for the rest (they cost microseconds an id, seconds over a million devices).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 {
                if byte <= 0x20 || byte == 0x7F { return "white space or a control character" }
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "#") {
                    return "\"\(Character(Unicode.Scalar(byte)))\""
                }
            }
            return nil
        }
        for scalar in text.unicodeScalars {
            if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                return "white space or a control character"
            }
            if scalar == "/" || scalar == "+" || scalar == "#" { return "\"\(scalar)\"" }
        }
        return nil
    }
}
