import Foundation
import Logging
import Synchronization

/// Whether this daemon publishes sign states and dimming commands, or stands by for a primary that does.
///
/// A standby (`mqtt.standby_for`) subscribes to everything its primary does, so it holds the same truth and answers
/// the same over HTTP; it only keeps quiet on MQTT while the primary's presence (`P/daemon/{primary}/status`,
/// retained, with `offline` as its will) says `online`. It takes over when that says `offline`, or when nothing has
/// been heard of the primary for `unheardGrace` after connecting (a primary that never ran, a broker that lost its
/// retained messages), and hands back as soon as it says `online` again. The broker is the arbiter: it publishes the
/// will the moment the primary's connection ends, and while the primary is cut off it cannot publish either.
struct PublishingRole: Sendable, Equatable {
    enum Primary: Sendable, Equatable {
        /// No status since this daemon connected (at `since`), or since it lost its own connection (`nil`).
        case unheard(since: Date?)
        case online
        case offline
    }

    /// How long a standby waits for its primary's retained status after connecting before it takes over.
    static let unheardGrace: TimeInterval = 10

    /// The instance this daemon stands by for; `nil` for a daemon that always publishes.
    let primaryInstance: String?
    private(set) var primary = Primary.unheard(since: nil)

    init(standingByFor primaryInstance: String?) {
        self.primaryInstance = primaryInstance
    }

    func isPublishing(at now: Date) -> Bool {
        guard primaryInstance != nil else { return true }
        switch primary {
        case .online: return false
        case .offline: return true
        case .unheard(let since): return since.map { now.timeIntervalSince($0) >= Self.unheardGrace } ?? false
        }
    }

    /// This daemon's own connection came up or went down; a standby listens afresh after each reconnect.
    mutating func noteConnection(_ isConnected: Bool, at now: Date) {
        primary = .unheard(since: isConnected ? now : nil)
    }

    /// The primary's status payload; anything but `online` and `offline` is ignored and returns `false`.
    mutating func noteStatus(_ payload: some Collection<UInt8>) -> Bool {
        if payload.elementsEqual("online".utf8) {
            primary = .online
        } else if payload.elementsEqual("offline".utf8) {
            primary = .offline
        } else {
            return false
        }
        return true
    }
}

/// The daemon's `PublishingRole`, shared by the loops that publish, which says when it changes.
final class PublishingGate: Sendable {
    private struct State {
        var role: PublishingRole
        var wasPublishing: Bool?
    }

    private let state: Mutex<State>
    private let metrics: DaemonMetrics
    private let logger: Logger

    init(standingByFor primary: String?, metrics: DaemonMetrics, logger: Logger) {
        state = Mutex(State(role: PublishingRole(standingByFor: primary)))
        self.metrics = metrics
        self.logger = logger
    }

    var primaryInstance: String? { state.withLock { $0.role.primaryInstance } }

    func isPublishing(at now: Date) -> Bool {
        let (isPublishing, changed, primary) = state.withLock { state in
            let isPublishing = state.role.isPublishing(at: now)
            defer { state.wasPublishing = isPublishing }
            return (isPublishing, state.wasPublishing != isPublishing, state.role.primary)
        }
        if changed { report(isPublishing, primary: primary) }
        return isPublishing
    }

    func noteConnection(_ isConnected: Bool, at now: Date) {
        state.withLock { $0.role.noteConnection(isConnected, at: now) }
    }

    func noteStatus(_ payload: UnsafeRawBufferPointer, at now: Date) {
        let understood = state.withLock { $0.role.noteStatus(payload) }
        if !understood {
            logger.warning(
                "the primary's presence says neither online nor offline; ignored",
                metadata: ["payload": "\(String(decoding: payload.prefix(64), as: UTF8.self))"]
            )
        }
        _ = isPublishing(at: now)
    }

    private func report(_ isPublishing: Bool, primary status: PublishingRole.Primary) {
        metrics.publishing.record(isPublishing ? 1 : 0)
        guard let primary = primaryInstance else { return }
        let heard: String =
            switch status {
            case .online: "online"
            case .offline: "offline"
            case .unheard: "unheard"
            }
        let metadata: Logger.Metadata = ["mqtt.primary": "\(primary)", "mqtt.primary_status": "\(heard)"]
        if isPublishing {
            logger.warning("this standby now publishes signs and dimming commands", metadata: metadata)
        } else {
            logger.notice("standing by: signs and dimming commands are the primary's", metadata: metadata)
        }
    }
}
