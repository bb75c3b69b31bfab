/// Which device an inbound topic speaks for.
public enum InboundRoute: Sendable, Equatable {
    case parking(sensor: Substring)
    case lighting(controller: Substring)
    /// A network server's uplink event; the topic is where its downlinks go back through.
    case networkServer(NetworkServerFormat, topic: Substring)
}

/// Where a topic's device lies in its bytes: what the network thread needs to journal and queue a message before
/// any String is made of it.
public struct TopicMatch: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case parking
        case lighting
        case networkServer(NetworkServerFormat)
    }

    public let kind: Kind
    /// The byte range of the sensor or controller id in the topic; for a network server's uplink, the whole topic.
    public let key: Range<Int>
}

/// Maps the native topics of DESIGN.md (`P/parking/{sensor}/state`, `P/lighting/{controller}/state`) to routes.
public struct TopicRouter: Sendable {
    public let prefix: String
    private let parkingPrefix: String
    private let lightingPrefix: String
    private let parkingHead: [UInt8]
    private let lightingHead: [UInt8]
    private static let stateSuffix = "/state"
    private static let stateTail = Array(stateSuffix.utf8)

    /// Network-server integrations and the uplink filters they publish on.
    public let networkServers: [(format: NetworkServerFormat, filter: TopicFilter)]

    public init(prefix: String, networkServers: [(format: NetworkServerFormat, filter: TopicFilter)] = []) {
        self.prefix = prefix
        parkingPrefix = prefix + "/parking/"
        lightingPrefix = prefix + "/lighting/"
        parkingHead = Array(parkingPrefix.utf8)
        lightingHead = Array(lightingPrefix.utf8)
        self.networkServers = networkServers
    }

    /// The filters to subscribe to: native readings, then each network server's uplinks.
    public var subscriptions: [String] {
        [parkingPrefix + "+/state", lightingPrefix + "+/state"] + networkServers.map(\.filter.filter)
    }

    /// The route of `topic`, or `nil` for a topic that is neither a native state topic nor a network server's.
    public func route(_ topic: String) -> InboundRoute? {
        var topic = topic
        guard let match = topic.withUTF8({ self.match(utf8: UnsafeRawBufferPointer($0)) }) else { return nil }
        let utf8 = topic.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: match.key.lowerBound)
        let key = topic[start..<utf8.index(start, offsetBy: match.key.count)]
        return switch match.kind {
        case .parking: .parking(sensor: key)
        case .lighting: .lighting(controller: key)
        case .networkServer(let format): .networkServer(format, topic: key)
        }
    }

    /// Where the device of `topic` (its UTF-8 bytes) lies, or `nil` for a topic that is neither a native state
    /// topic nor a network server's.
    public func match(utf8 topic: UnsafeRawBufferPointer) -> TopicMatch? {
        if topic.count > Self.stateTail.count, topic.suffix(Self.stateTail.count).elementsEqual(Self.stateTail) {
            if let id = Self.deviceID(in: topic, after: parkingHead) { return TopicMatch(kind: .parking, key: id) }
            if let id = Self.deviceID(in: topic, after: lightingHead) { return TopicMatch(kind: .lighting, key: id) }
        }
        guard !networkServers.isEmpty else { return nil }
        let text = String(decoding: topic, as: UTF8.self)
        for server in networkServers where server.filter.matches(text) {
            return TopicMatch(kind: .networkServer(server.format), key: 0..<topic.count)
        }
        return nil
    }

    /// The topic a message with `route` arrived on: the inverse of `route(_:)`.
    public func topic(of route: InboundRoute) -> String {
        switch route {
        case .parking(let sensor): parkingPrefix + sensor + Self.stateSuffix
        case .lighting(let controller): lightingPrefix + controller + Self.stateSuffix
        case .networkServer(_, let topic): String(topic)
        }
    }

    private static func deviceID(in topic: UnsafeRawBufferPointer, after head: [UInt8]) -> Range<Int>? {
        // The id is not empty: a topic ending at the head's slash is no device's.
        guard topic.count > head.count + stateTail.count, topic.starts(with: head) else { return nil }
        let id = head.count..<(topic.count - stateTail.count)
        guard !topic[id].contains(UInt8(ascii: "/")) else { return nil }
        return id
    }

    /// The retained topic of a sign's state.
    public func signTopic(_ signID: String) -> String { prefix + "/signs/" + signID }

    /// The topic a controller listens to for dimming commands.
    public func commandTopic(_ controllerID: String) -> String { lightingPrefix + controllerID + "/set" }

    /// The daemon's retained presence topic.
    public func presenceTopic(instance: String) -> String { prefix + "/daemon/" + instance + "/status" }
    /// Where the instances of one partition (a primary and its standby) share their lighting settings, retained.
    public var lightingSettingsTopic: String { prefix + "/daemon/lighting" }
}
