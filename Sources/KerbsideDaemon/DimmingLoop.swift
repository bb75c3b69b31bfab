import Dispatch
import Foundation
import KerbsideCore
import Logging
import ServiceLifecycle
import Synchronization

/// The dimming loop: a Dispatch timer on its own serial queue that turns each group's target (override, else
/// schedule) into `set` commands for the controllers not at it yet, paced, retried until acknowledged.
///
/// It ticks every `interval` (so a step boundary is acted on within it), and at once when a schedule, an assignment
/// or an override changes. Alarms for unacknowledged commands and off-target lights come out of the aggregation
/// tick like every other alarm.
final class DimmingLoop: Service, Sendable {
    private let queue = DispatchQueue(label: "kerbside.dimming")
    private let timer = Mutex<(any DispatchSourceTimer)?>(nil)
    /// Commands that may go out now: refilled at `commandsPerSecond` as time passes, never above one interval's
    /// worth, so neither a long pause nor a burst of schedule changes releases more than the configured pace.
    private let tokens = Mutex<(available: Double, refilledAt: Date?)>((0, nil))
    private let interval: TimeInterval
    private let commandsPerSecond: Double
    private let pipeline: IngestPipeline
    private let lighting: LightingControl
    private let isConnected: @Sendable () -> Bool
    private let publish: @Sendable (OutgoingCommand) -> Bool
    private let clock: @Sendable () -> Date
    private let metrics: DaemonMetrics
    private let logger: Logger

    /// - Parameters:
    ///   - interval: the tick period.
    ///   - commandsPerSecond: the pace commands go out at, at most.
    ///   - pipeline: holds the command state with the live state.
    ///   - lighting: the groups' targets.
    ///   - isConnected: whether the broker can take commands now.
    ///   - publish: sends one command; `false` when it could not be queued.
    ///   - clock: the wall clock.
    ///   - metrics: the daemon's metrics.
    ///   - logger: for publish failures.
    init(
        interval: TimeInterval,
        commandsPerSecond: Double,
        pipeline: IngestPipeline,
        lighting: LightingControl,
        isConnected: @escaping @Sendable () -> Bool,
        publish: @escaping @Sendable (OutgoingCommand) -> Bool,
        clock: @escaping @Sendable () -> Date,
        metrics: DaemonMetrics,
        logger: Logger
    ) {
        self.interval = interval
        self.commandsPerSecond = commandsPerSecond
        self.pipeline = pipeline
        self.lighting = lighting
        self.isConnected = isConnected
        self.publish = publish
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
    }

    func run() async throws {
        lighting.onChange { [weak self] in
            guard let self else { return }
            queue.async { self.tick() }
        }
        timer.withLock { timer in
            let source = DispatchSource.makeTimerSource(queue: queue)
            source.schedule(deadline: .now(), repeating: interval, leeway: .milliseconds(50))
            source.setEventHandler { [weak self] in self?.tick() }
            source.resume()
            timer = source
        }
        try? await gracefulShutdown()
        timer.withLock { timer in
            timer?.cancel()
            timer = nil
        }
        lighting.onChange {}
    }

    /// Runs one round synchronously and returns what it published: for tests that drive time by hand.
    @discardableResult
    func tickNow() -> [OutgoingCommand] {
        queue.sync { tick() }
    }

    @discardableResult
    private func tick() -> [OutgoingCommand] {
        let now = clock()
        lighting.expireOverrides(at: now)
        guard isConnected() else { return [] }
        let capacity = max(1, commandsPerSecond * interval)
        let budget = tokens.withLock { tokens -> Int in
            let elapsed = tokens.refilledAt.map { max(0, now.timeIntervalSince($0)) } ?? .infinity
            tokens.available = min(capacity, tokens.available + elapsed * commandsPerSecond)
            tokens.refilledAt = now
            return Int(tokens.available.rounded(.down))
        }
        guard budget > 0 else { return [] }
        let commands = pipeline.planCommands(targets: lighting.targets(at: now), now: now, budget: budget)
        var failed: [OutgoingCommand] = []
        for command in commands where !publish(command) { failed.append(command) }
        tokens.withLock { $0.available -= Double(commands.count - failed.count) }
        if !failed.isEmpty {
            pipeline.unsend(failed)
            logger.warning("dimming commands not published; retrying", metadata: ["lighting.failed": "\(failed.count)"])
        }
        metrics.dimmingCommands.increment(by: commands.count - failed.count)
        return commands
    }
}
