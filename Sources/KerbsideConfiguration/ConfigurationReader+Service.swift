import Foundation
import KerbsideCore

extension ConfigurationReader {
    /// The levels swift-log knows, in its spelling.
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    func readHTTP(_ document: YAMLMapping) -> HTTPSettings {
        var settings = HTTPSettings()
        guard let http = document.mapping("http", keys: ["host", "port", "max_body_bytes"]) else { return settings }
        settings.host = http.string("host") ?? settings.host
        settings.port = http.int("port", in: 1...65535) ?? settings.port
        settings.maxBodyBytes = http.int("max_body_bytes", in: 1...(1 << 30)) ?? settings.maxBodyBytes
        return settings
    }

    func readStorage(_ document: YAMLMapping) -> (path: String, retention: RetentionPolicy) {
        var retention = RetentionPolicy()
        guard let storage = document.mapping("storage", keys: ["path", "retention"]) else {
            return (resolve("kerbside.sqlite"), retention)
        }
        if let levels = storage.mapping("retention", keys: RollupStep.allCases.map(\.rawValue)) {
            let range: ClosedRange<TimeInterval> = 3600...(100 * 366 * 86_400)
            retention.minute = levels.duration("1m", in: range) ?? retention.minute
            retention.quarterHour = levels.duration("15m", in: range) ?? retention.quarterHour
            retention.hour = levels.duration("1h", in: range) ?? retention.hour
            retention.day = levels.duration("1d", in: range) ?? retention.day
        }
        return (resolve(storage.string("path") ?? "kerbside.sqlite"), retention)
    }

    /// The ingest limits; the ranges are generous and only catch a slipped digit or unit.
    func readIngest(_ document: YAMLMapping) -> IngestPolicy {
        var policy = IngestPolicy()
        let keys = ["max_payload_bytes", "max_clock_skew", "max_age", "history_capacity", "seq_window"]
        guard let ingest = document.mapping("ingest", keys: keys) else { return policy }
        policy.maxPayloadBytes = ingest.int("max_payload_bytes", in: 1...(1 << 20)) ?? policy.maxPayloadBytes
        policy.maxClockSkew = ingest.duration("max_clock_skew", in: 0...86_400) ?? policy.maxClockSkew
        policy.maxAge = ingest.duration("max_age", in: 1...(366 * 86_400)) ?? policy.maxAge
        policy.historyCapacity = ingest.int("history_capacity", in: 1...4096) ?? policy.historyCapacity
        policy.seqWindowCapacity = ingest.int("seq_window", in: 1...1024) ?? policy.seqWindowCapacity
        return policy
    }

    func readLoops(
        _ document: YAMLMapping
    ) -> (aggregation: TimeInterval, checkpoint: TimeInterval, dimming: TimeInterval) {
        let loops = document.mapping(
            "loops",
            keys: ["aggregation_interval", "checkpoint_interval", "dimming_interval"]
        )
        return (
            loops?.duration("aggregation_interval", in: 0.01...3600) ?? 1,
            loops?.duration("checkpoint_interval", in: 1...86_400) ?? 60,
            loops?.duration("dimming_interval", in: 0.01...60) ?? 1
        )
    }

    func readLogLevel(_ document: YAMLMapping) -> String {
        document.mapping("logging", keys: ["level"])?.choice("level", from: Self.logLevels) ?? "info"
    }

    /// The API tokens. Hex is accepted in either case and kept lowercase, as `AccessToken` compares it.
    func readTokens(_ document: YAMLMapping) -> [AccessToken] {
        guard let access = document.mapping("access", keys: ["tokens"]),
            let items = access.sequence("tokens", expected: "a list of tokens")
        else { return [] }
        var tokens: [AccessToken] = []
        var firstByHash: [String: String] = [:]
        for item in items {
            guard let token = yaml.mapping(item.node, key: item.key, keys: ["name", "sha256", "role"]) else { continue }
            let name = token.string("name", required: true)
            let role = token.required("role", expected: "one of viewer, lighting, admin").flatMap {
                yaml.choice($0, key: token.path("role"), from: AccessRole.allCases.map(\.rawValue))
            }
            var hash = token.string("sha256", required: true)?.lowercased()
            if let text = hash, text.count != 64 || !text.allSatisfy(\.isHexDigit) {
                let message =
                    "expected 64 hexadecimal digits (the SHA-256 of the token, e.g. from "
                    + "`printf %s TOKEN | sha256sum`), found \(text.count) characters"
                    + (text.allSatisfy(\.isHexDigit) ? "" : " including non-hex ones")
                log.report(message, at: token.location(of: "sha256"))
                hash = nil
            }
            if let hash, let other = firstByHash[hash] {
                log.report("the same token hash is already given to \"\(other)\"", at: token.location(of: "sha256"))
            }
            guard let name, let hash, let role = role.flatMap(AccessRole.init(rawValue:)) else { continue }
            firstByHash[hash] = firstByHash[hash] ?? name
            tokens.append(AccessToken(name: name, sha256: hash, role: role))
        }
        return tokens
    }
}
