import Foundation

/// The level a light was last told to take, and how far the telling got.
public struct LightCommand: Sendable, Equatable, Codable {
    public var level: Int
    /// Echoed by the controller as `ack`.
    public var id: String
    public var reason: String
    /// When this level was first commanded.
    public var issuedAt: Date
    public var lastSentAt: Date?
    public var attempts: Int
    public var ackedAt: Date?
    /// Whether this level was already sent again because the light drifted off it after acknowledging (a
    /// controller that rebooted forgets its level); it is sent again once, then only alarmed.
    public var resentForDrift: Bool?

    public var isAcknowledged: Bool { ackedAt != nil }
}

/// How commands are retried and when a light counts as not obeying.
public struct DimmingPolicy: Sendable, Equatable {
    /// Sends of one command before it is alarmed; it is still sent every `maxRetryDelay` after that, so a controller
    /// that comes back gets it.
    public var maxAttempts: Int
    /// The wait before the first retry; it doubles after each.
    public var retryAfter: TimeInterval
    public var maxRetryDelay: TimeInterval
    /// How long a light may report another level than commanded before it is an alarm.
    public var offTargetAfter: TimeInterval
    /// Commands per second at most, so a restart or a schedule step over thousands of lights does not flood the
    /// broker.
    public var commandsPerSecond: Double

    public init(
        maxAttempts: Int = 5,
        retryAfter: TimeInterval = 30,
        maxRetryDelay: TimeInterval = 600,
        offTargetAfter: TimeInterval = 120,
        commandsPerSecond: Double = 50
    ) {
        self.maxAttempts = maxAttempts
        self.retryAfter = retryAfter
        self.maxRetryDelay = maxRetryDelay
        self.offTargetAfter = offTargetAfter
        self.commandsPerSecond = commandsPerSecond
    }

    /// The wait after send number `attempts` (from 1) before the next.
    func delay(afterAttempt attempts: Int) -> TimeInterval {
        min(maxRetryDelay, retryAfter * pow(2, Double(max(0, attempts - 1))))
    }

    /// From a command's first send to the moment it counts as unacknowledged: every wait up to `maxAttempts`.
    var totalDelay: TimeInterval {
        (1...max(1, maxAttempts)).reduce(0) { $0 + delay(afterAttempt: $1) }
    }
}

/// A command to publish on `P/lighting/{controller}/set`.
public struct OutgoingCommand: Sendable, Equatable {
    public var controller: String
    public var level: Int
    public var id: String
    public var reason: String
    public var at: Date
    /// For a controller behind a network server: the downlink enqueue message and its topic, which replace the
    /// native `set` message.
    public var downlink: Downlink?

    /// A message and the topic it goes to.
    public struct Downlink: Sendable, Equatable {
        public var topic: String
        public var message: [UInt8]
    }

    /// The payload of DESIGN.md: `{"level", "id", "ts", "reason"}`.
    public var payload: [UInt8] {
        let reason = Self.escaped(reason)
        return Array(#"{"level":\#(level),"id":"\#(id)","ts":"\#(RFC3339.format(at))","reason":"\#(reason)"}"#.utf8)
    }

    /// JSON string escaping: quotes, backslashes and control characters (a token name may hold any of them).
    static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

extension LiveState {
    /// Decides which commands go out now: a new command for every light whose group's target differs from what it
    /// was told, a resend for an unacknowledged one whose retry delay has passed, at most `budget` in all, taking
    /// turns across lights so none waits behind the others for long.
    ///
    /// - Parameters:
    ///   - targets: each group's target level and reason, in inventory order; `nil` leaves the group alone.
    ///   - now: the current time.
    ///   - policy: retries and pacing.
    ///   - budget: how many commands may go out in this call.
    /// - Returns: the commands to publish, already recorded as sent.
    public mutating func planCommands(
        targets: [(level: Int, reason: String)?],
        now: Date,
        policy: DimmingPolicy,
        budget: Int
    ) -> [OutgoingCommand] {
        guard !lights.isEmpty else { return [] }
        var outgoing: [OutgoingCommand] = []
        let start = commandCursor % lights.count
        for offset in 0..<lights.count {
            let lightIndex = (start + offset) % lights.count
            let groupIndex = groupOfLight[lightIndex]
            guard groupIndex < targets.count, let target = targets[groupIndex] else { continue }
            // One copy of the light's command per round: this loop runs over every light every second.
            var command: LightCommand
            if let existing = commands[lightIndex], existing.level == target.level,
                !isDrifting(light: lightIndex, from: existing, now: now, policy: policy)
            {
                guard !existing.isAcknowledged else { continue }
                if let sent = existing.lastSentAt,
                    now.timeIntervalSince(sent) < policy.delay(afterAttempt: existing.attempts)
                {
                    continue
                }
                command = existing
            } else {
                let drifted = commands[lightIndex].map { $0.level == target.level } ?? false
                commandCounter += 1
                command = LightCommand(
                    level: target.level,
                    id: "c-\(commandPrefix)-\(commandCounter)",
                    reason: target.reason,
                    issuedAt: now,
                    attempts: 0,
                    resentForDrift: drifted ? true : nil
                )
                commands[lightIndex] = command
            }
            guard outgoing.count < budget else {
                // Out of budget: the next call starts with this light.
                commandCursor = lightIndex
                return outgoing
            }
            command.attempts += 1
            command.lastSentAt = now
            commands[lightIndex] = command
            outgoing.append(
                OutgoingCommand(
                    controller: inventory.lights[lightIndex].controller,
                    level: command.level,
                    id: command.id,
                    reason: command.reason,
                    at: now,
                    downlink: downlink(light: lightIndex, level: command.level, id: command.id)
                )
            )
        }
        commandCursor = start
        return outgoing
    }

    /// The network-server downlink that sets a light's level, for a controller heard through a network server whose
    /// model can encode levels.
    private func downlink(light lightIndex: Int, level: Int, id: String) -> OutgoingCommand.Downlink? {
        guard let route = networkServerRoutes[lightIndex],
            let model = inventory.lights[lightIndex].model.flatMap({ deviceModels[$0] }),
            let frame = model.encodeLevel(level)
        else { return nil }
        return OutgoingCommand.Downlink(
            topic: route.downlinkTopic,
            message: NetworkServerDownlink.message(
                format: route.format,
                devEUI: route.devEUI,
                fPort: frame.fPort,
                payload: frame.payload,
                correlationID: id
            )
        )
    }

    /// Whether a light acknowledged its command, then reported another level for `retryAfter`, and has not been
    /// told again yet.
    private func isDrifting(light lightIndex: Int, from command: LightCommand, now: Date, policy: DimmingPolicy) -> Bool
    {
        // Receive times on both sides: a device's own clock may run ahead of the daemon's.
        guard command.resentForDrift != true, let acked = command.ackedAt,
            let reported = lights[lightIndex].reportedLevel, reported != command.level,
            let lastSeen = lights[lightIndex].lastSeen, lastSeen > acked
        else { return false }
        return now.timeIntervalSince(acked) >= policy.retryAfter
    }

    /// Takes back a send that did not reach the broker, so the next call tries it again at once.
    ///
    /// - Parameter command: what `planCommands` returned and could not be published.
    public mutating func unsend(_ command: OutgoingCommand) {
        guard let lightIndex = inventory.lightIndexByController[command.controller],
            var recorded = commands[lightIndex], recorded.id == command.id, recorded.attempts > 0
        else { return }
        recorded.attempts -= 1
        recorded.lastSentAt = nil
        commands[lightIndex] = recorded
    }

    /// Records an acknowledgement carried by a controller's state message.
    mutating func acknowledge(light lightIndex: Int, ack: String?, at instant: Date) {
        guard let ack, var command = commands[lightIndex], command.id == ack, command.ackedAt == nil else { return }
        command.ackedAt = instant
        commands[lightIndex] = command
    }

    /// Alarms about commands: given up unacknowledged, or a light reporting another level than commanded.
    func commandAlarms(now: Date, policy: DimmingPolicy) -> [Alarm] {
        var alarms: [Alarm] = []
        // Borrowed from the buffer: copying every light's command each tick retains its strings.
        commands.withUnsafeBufferPointer { commands in
            for lightIndex in commands.indices {
                // The common case, an obeyed command, is settled on two fields before anything is copied.
                guard let level = commands[lightIndex]?.level else { continue }
                if commands[lightIndex]?.ackedAt != nil, lights[lightIndex].reportedLevel == level { continue }
                guard let command = commands[lightIndex] else { continue }
                let light = inventory.lights[lightIndex]
                if !command.isAcknowledged, command.attempts >= policy.maxAttempts, let sent = command.lastSentAt,
                    let firstDeadline = Optional(command.issuedAt.addingTimeInterval(policy.totalDelay)),
                    now >= max(firstDeadline, sent)
                {
                    alarms.append(
                        Alarm(
                            kind: .commandUnacknowledged,
                            subject: light.id,
                            device: light.controller,
                            since: firstDeadline,
                            message: "command \(command.id) (level \(command.level)) sent \(command.attempts) times, "
                                + "never acknowledged; still sent every \(Int(policy.maxRetryDelay)) s"
                        )
                    )
                }
                if let reported = lights[lightIndex].reportedLevel, reported != command.level,
                    let lastSeen = lights[lightIndex].lastSeen, lastSeen >= command.issuedAt,
                    now.timeIntervalSince(command.issuedAt) >= policy.offTargetAfter
                {
                    alarms.append(
                        Alarm(
                            kind: .levelOffTarget,
                            subject: light.id,
                            device: light.controller,
                            since: command.issuedAt.addingTimeInterval(policy.offTargetAfter),
                            message: "reports level \(reported), commanded \(command.level)"
                        )
                    )
                }
            }
        }
        return alarms
    }
}
