import Foundation
import KerbsideCore

/// The aggregation tick's latest result, numbered so encoded answers can be cached per snapshot.
public struct PublishedSnapshot: Sendable {
    /// Increases with every tick; equal generations mean equal content.
    public var generation: UInt64
    public var snapshot: LiveSnapshot

    public init(generation: UInt64, snapshot: LiveSnapshot) {
        self.generation = generation
        self.snapshot = snapshot
    }
}

/// Whether the daemon can do its job, for `/readyz`.
public struct Readiness: Sendable, Equatable {
    public var brokerConnected: Bool
    public var storeOpen: Bool
    /// Whether this daemon publishes sign states and dimming commands (a standby does not while its primary does).
    public var publishing: Bool
    /// The primary's instance, for a standby.
    public var standbyFor: String?
    /// A standby that is not publishing is still ready: it answers reads like its primary.
    public var isReady: Bool { brokerConnected && storeOpen }

    public init(brokerConnected: Bool, storeOpen: Bool, publishing: Bool = true, standbyFor: String? = nil) {
        self.brokerConnected = brokerConnected
        self.storeOpen = storeOpen
        self.publishing = publishing
        self.standbyFor = standbyFor
    }
}

/// What the HTTP API reads from the daemon. Every member returns at once: snapshots are already published, and
/// per-device look-ups copy one record under the ingest lock.
public protocol LiveStateProviding: Sendable {
    func currentSnapshot() -> PublishedSnapshot
    func bayDetail(id: String) -> BayDetail?
    func lightDetail(id: String) -> LightDetail?
    func rejectLog() -> RejectLog
    func readiness() -> Readiness
    /// The Prometheus exposition of every metric.
    func metricsExposition() -> String
    /// A zone's history over `from..<to` in buckets of `step`, the still-open minute included; `nil` for an unknown
    /// zone.
    func zoneHistory(zone: String, from: Date, to: Date, step: RollupStep) throws -> [ZoneRollup]?
    /// The parking sessions of a zone that ended in `from..<to` and its number of bays; `nil` for an unknown zone.
    func zoneSessions(zone: String, from: Date, to: Date) throws -> (sessions: [ParkingSession], bays: Int)?
    /// A light group's history over `from..<to` in buckets of `step`, the still-open minute included; `nil` for an
    /// unknown group.
    func groupHistory(group: String, from: Date, to: Date, step: RollupStep) throws -> [GroupRollup]?
    /// A light group's figures per night (local noon to noon) overlapping `from..<to`, nights without data left
    /// out; `nil` for an unknown group.
    func groupNights(group: String, from: Date, to: Date) throws -> [(night: LightingNight, figures: GroupRollup)]?
}
