import Foundation

/// One bay in full, for `GET /api/v1/parking/bays/{id}`.
public struct BayDetail: Sendable, Equatable {
    public var bay: Bay
    public var status: BayStatus
    public var maxStayMinutes: Int?
    /// The latest readings, oldest first.
    public var recent: [BaySample]
}

/// One light in full, for `GET /api/v1/lighting/lights/{id}`.
public struct LightDetail: Sendable, Equatable {
    public var light: Light
    public var condition: LightCondition
    public var reportedLevel: Int?
    public var powerWatts: Double?
    public var energyWattHours: Double?
    public var faults: [String]
    public var faultsSince: Date?
    public var lastAck: String?
    public var lastSeen: Date?
    /// The last command and how far it got; `nil` before any.
    public var command: LightCommand?
    /// The latest readings, oldest first.
    public var recent: [LightSample]
}

extension LiveState {
    /// A copy of one bay's record as of `now`; cheap enough to take under the ingest lock.
    public func bayDetail(id: String, now: Date) -> BayDetail? {
        guard let bayIndex = inventory.bayIndexByID[id] else { return nil }
        let maxStay = maxStayMinutes(ofBay: bayIndex)
        let state = bays[bayIndex]
        return BayDetail(
            bay: inventory.bays[bayIndex],
            status: state.status(at: now, policy: healthPolicy(ofBay: bayIndex), maxStayMinutes: maxStay),
            maxStayMinutes: maxStay,
            recent: state.history.elements
        )
    }

    /// A copy of one light's record as of `now`.
    public func lightDetail(id: String, now: Date) -> LightDetail? {
        guard let lightIndex = inventory.lightIndexByID[id] else { return nil }
        let state = lights[lightIndex]
        return LightDetail(
            light: inventory.lights[lightIndex],
            condition: state.condition(at: now, offlineAfter: offlineAfter(ofLight: lightIndex)),
            reportedLevel: state.reportedLevel,
            powerWatts: state.powerWatts,
            energyWattHours: state.energyWattHours,
            faults: state.faults,
            faultsSince: state.faultsSince,
            lastAck: state.lastAck,
            lastSeen: state.lastSeen,
            command: commands[lightIndex],
            recent: state.history.elements
        )
    }
}
