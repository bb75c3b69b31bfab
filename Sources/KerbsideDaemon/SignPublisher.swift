import Foundation
import KerbsideCore

/// Decides which retained sign topics to publish: only signs whose visible state changed since the last publish.
struct SignPublisher: Sendable {
    /// What a sign shows, without its timestamp: equal values need no new retained message.
    struct Visible: Equatable, Sendable {
        var free: Int
        var capacity: Int
        var coverage: Double
        var status: SignStatus
    }

    private var lastPublished: [String: Visible] = [:]

    /// The `(signID, payload)` pairs to publish for `signs`, remembering them as published.
    mutating func changes(in signs: [SignFigures]) -> [(signID: String, payload: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for sign in signs {
            let visible = Visible(
                free: sign.free,
                capacity: sign.capacity,
                coverage: (sign.coverage * 100).rounded() / 100,
                status: sign.status
            )
            guard lastPublished[sign.id] != visible else { continue }
            lastPublished[sign.id] = visible
            out.append((sign.id, Self.payload(visible, at: sign.updatedAt)))
        }
        return out
    }

    /// Forgets what was published, so everything is sent again (after a reconnect to a broker that lost its state).
    mutating func forgetPublished() {
        lastPublished.removeAll()
    }

    static func payload(_ visible: Visible, at instant: Date) -> [UInt8] {
        let coverage = String(format: "%.2f", visible.coverage)
        // No count while unknown: a sign must never show a number it cannot vouch for.
        let free = visible.status == .unknown ? "null" : String(visible.free)
        let json =
            "{\"free\":\(free),\"capacity\":\(visible.capacity),\"coverage\":\(coverage),"
            + "\"status\":\"\(visible.status.rawValue)\",\"ts\":\"\(RFC3339.format(instant))\"}"
        return Array(json.utf8)
    }
}
