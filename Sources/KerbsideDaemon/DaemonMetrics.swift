import CoreMetrics
import KerbsideCore

/// The daemon's metrics, made from an injected factory so tests never touch the global metrics system.
struct DaemonMetrics: Sendable {
    let messagesIn: Counter
    let readingsAccepted: Counter
    let rejects: [RejectReason: Counter]
    /// Seconds between a reading's own timestamp and its arrival.
    let ingestLag: Recorder
    let aggregationDuration: Timer
    let signPublishes: Counter
    let brokerConnected: Gauge
    /// 1 while this daemon publishes signs and commands, 0 while it stands by for its primary.
    let publishing: Gauge
    let rollupsWritten: Counter
    let rollupWriteFailures: Counter
    let rollupsPending: Gauge
    let storeDropped: Counter
    let dimmingCommands: Counter
    let readingsIgnored: Counter

    init(factory: any MetricsFactory) {
        messagesIn = Counter(label: "kerbside_mqtt_messages_total", factory: factory)
        readingsAccepted = Counter(label: "kerbside_readings_accepted_total", factory: factory)
        rejects = Dictionary(
            uniqueKeysWithValues: RejectReason.allCases.map {
                (
                    $0,
                    Counter(
                        label: "kerbside_ingest_rejects_total",
                        dimensions: [("reason", $0.rawValue)],
                        factory: factory
                    )
                )
            }
        )
        ingestLag = Recorder(label: "kerbside_ingest_lag_seconds", factory: factory)
        aggregationDuration = Timer(label: "kerbside_aggregation_tick_seconds", factory: factory)
        signPublishes = Counter(label: "kerbside_sign_publishes_total", factory: factory)
        dimmingCommands = Counter(label: "kerbside_dimming_commands_total", factory: factory)
        readingsIgnored = Counter(label: "kerbside_readings_ignored_total", factory: factory)
        brokerConnected = Gauge(label: "kerbside_broker_connected", factory: factory)
        publishing = Gauge(label: "kerbside_publishing", factory: factory)
        rollupsWritten = Counter(label: "kerbside_rollups_written_total", factory: factory)
        rollupWriteFailures = Counter(label: "kerbside_rollup_write_failures_total", factory: factory)
        rollupsPending = Gauge(label: "kerbside_rollups_pending", factory: factory)
        storeDropped = Counter(label: "kerbside_store_dropped_total", factory: factory)
    }
}
