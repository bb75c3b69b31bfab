import Foundation
import KerbsideCore

/// Everything `kerbsided` needs to start, read and validated once from the configuration file and its inventory.
///
/// Built only by ``ConfigurationLoader``, so holding one means every check passed; the daemon passes its parts
/// down and nothing below `main` reads files or the environment for settings again.
public struct DaemonConfiguration: Sendable {
    /// Absolute path of the configuration file it came from.
    public var configFile: String
    public var site: Site
    public var broker: BrokerSettings
    /// The first level of every MQTT topic (`kerbside` by default).
    public var topicPrefix: String
    /// This daemon's name in `P/daemon/{instance}/status` and in the default MQTT client id.
    public var instance: String
    /// The instance this one is the hot standby of: it publishes signs and commands only while that one is offline.
    public var standbyFor: String?
    public var http: HTTPSettings
    /// Absolute path of the SQLite database.
    public var storagePath: String
    /// How long each rollup level is kept.
    public var retention: RetentionPolicy
    public var ingest: IngestPolicy
    /// Period of the hot aggregation loop.
    public var aggregationInterval: TimeInterval
    /// How often the live state is checkpointed to SQLite; a restart replays the ingest journal after the last one.
    public var checkpointInterval: TimeInterval = 60
    /// Period of the dimming loop; a schedule step is acted on within it.
    public var dimmingInterval: TimeInterval = 1
    /// Retries, pacing and the off-target delay of dimming commands.
    public var dimming = DimmingPolicy()
    /// Schedules written in the configuration; stored at start unless a schedule of that id is stored already, so
    /// what engineers change over the API survives restarts.
    public var scheduleSeeds: [String: ScheduleDocument] = [:]
    /// LoRaWAN network-server integrations to read uplinks from.
    public var networkServers: [NetworkServerSettings] = []
    /// The device catalog: models by id, for devices behind a network server.
    public var deviceModels: [String: DeviceModel] = [:]
    /// The schedule of groups that have none assigned.
    public var defaultSchedule: String?
    /// Group → schedule from the configuration; stored at start for groups with no stored assignment.
    public var scheduleAssignments: [String: String] = [:]
    /// One of `trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical` (swift-log's levels).
    public var logLevel: String
    /// Zones, signs and light groups from the configuration with the bays and lights of the GeoJSON files.
    public var inventory: Inventory
    public var tokens: [AccessToken]
    /// Absolute paths of the GeoJSON inventory files, in the order given.
    public var inventoryFiles: [String]

    /// Creates a configuration; prefer ``ConfigurationLoader``, which validates.
    public init(
        configFile: String,
        site: Site,
        broker: BrokerSettings,
        topicPrefix: String,
        instance: String,
        http: HTTPSettings,
        storagePath: String,
        retention: RetentionPolicy = RetentionPolicy(),
        ingest: IngestPolicy,
        aggregationInterval: TimeInterval,
        logLevel: String,
        inventory: Inventory,
        tokens: [AccessToken],
        inventoryFiles: [String]
    ) {
        self.configFile = configFile
        self.site = site
        self.broker = broker
        self.topicPrefix = topicPrefix
        self.instance = instance
        self.http = http
        self.storagePath = storagePath
        self.retention = retention
        self.ingest = ingest
        self.aggregationInterval = aggregationInterval
        self.logLevel = logLevel
        self.inventory = inventory
        self.tokens = tokens
        self.inventoryFiles = inventoryFiles
    }
}

/// One network-server integration: its format and the topic filter its uplinks come on.
public struct NetworkServerSettings: Sendable, Equatable {
    public var format: NetworkServerFormat
    public var uplinkTopic: String

    public init(format: NetworkServerFormat, uplinkTopic: String? = nil) {
        self.format = format
        self.uplinkTopic = uplinkTopic ?? format.defaultUplinkFilter
    }
}
