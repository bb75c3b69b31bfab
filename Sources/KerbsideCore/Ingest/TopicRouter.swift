/// Which device an inbound topic speaks for.
public enum InboundRoute: Sendable, Equatable {
    case parking(sensor: Substring)
    case lighting(controller: Substring)
    /// A network server's uplink event; the topic is where its downlinks go back through.
    case networkServer(NetworkServerFormat, topic: Substring)
}

/// Maps the native topics of DESIGN.md (`P/parking/{sensor}/state`, `P/lighting/{controller}/state`) to routes.
public struct TopicRouter: Sendable {
    public let prefix: String
    private let parkingPrefix: String
    private let lightingPrefix: String
    private static let stateSuffix = "/state"

    /// Network-server integrations and the uplink filters they publish on.
    public let networkServers: [(format: NetworkServerFormat, filter: TopicFilter)]

    public init(prefix: String, networkServers: [(format: NetworkServerFormat, filter: TopicFilter)] = []) {
        self.prefix = prefix
        parkingPrefix = prefix + "/parking/"
        lightingPrefix = prefix + "/lighting/"
        self.networkServers = networkServers
    }

    /// The filters to subscribe to: native readings, then each network server's uplinks.
    public var subscriptions: [String] {
        [parkingPrefix + "+/state", lightingPrefix + "+/state"] + networkServers.map(\.filter.filter)
    }

    /// The route of `topic`, or `nil` for a topic that is neither a native state topic nor a network server's.
    public func route(_ topic: String) -> InboundRoute? {
        if topic.hasSuffix(Self.stateSuffix) {
            if let id = deviceID(in: topic, after: parkingPrefix) { return .parking(sensor: id) }
            if let id = deviceID(in: topic, after: lightingPrefix) { return .lighting(controller: id) }
        }
        for server in networkServers where server.filter.matches(topic) {
            return .networkServer(server.format, topic: topic[...])
        }
        return nil
    }

    private func deviceID(in topic: String, after head: String) -> Substring? {
        guard topic.hasPrefix(head) else { return nil }
        let start = topic.utf8.index(topic.utf8.startIndex, offsetBy: head.utf8.count)
        let end = topic.utf8.index(topic.utf8.endIndex, offsetBy: -Self.stateSuffix.utf8.count)
        guard start < end else { return nil }
        let id = topic[start..<end]
        return id.contains("/") ? nil : id
    }

    /// The retained topic of a sign's state.
    public func signTopic(_ signID: String) -> String { prefix + "/signs/" + signID }

    /// The topic a controller listens to for dimming commands.
    public func commandTopic(_ controllerID: String) -> String { lightingPrefix + controllerID + "/set" }

    /// The daemon's retained presence topic.
    public func presenceTopic(instance: String) -> String { prefix + "/daemon/" + instance + "/status" }
}
