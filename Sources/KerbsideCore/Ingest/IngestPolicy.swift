import Foundation

/// The limits ingest enforces on every message.
public struct IngestPolicy: Sendable, Equatable {
    /// Larger payloads are refused as `too_large` before any parsing.
    public var maxPayloadBytes: Int
    /// How far ahead of the daemon's clock a device timestamp may be (`future_timestamp` beyond).
    public var maxClockSkew: TimeInterval
    /// How old a device timestamp may be (`stale_timestamp` beyond); a reading older than the device's last one is
    /// also stale, since applying it would turn the clock back on that bay.
    public var maxAge: TimeInterval
    /// Readings kept per device for the API's `recent`.
    public var historyCapacity: Int
    /// Recent `seq`s remembered per device for dedupe.
    public var seqWindowCapacity: Int

    public init(
        maxPayloadBytes: Int = 4096,
        maxClockSkew: TimeInterval = 300,
        maxAge: TimeInterval = 24 * 3600,
        historyCapacity: Int = 32,
        seqWindowCapacity: Int = SeqWindow.defaultCapacity
    ) {
        self.maxPayloadBytes = maxPayloadBytes
        self.maxClockSkew = maxClockSkew
        self.maxAge = maxAge
        self.historyCapacity = historyCapacity
        self.seqWindowCapacity = seqWindowCapacity
    }
}
