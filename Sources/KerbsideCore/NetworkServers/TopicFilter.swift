/// An MQTT topic filter (`+` one level, `#` the rest), matched without allocating.
public struct TopicFilter: Sendable, Hashable, CustomStringConvertible {
    public let filter: String
    private let levels: [Substring]

    public init(_ filter: String) {
        self.filter = filter
        levels = filter.split(separator: "/", omittingEmptySubsequences: false)
    }

    public var description: String { filter }

    public func matches(_ topic: String) -> Bool {
        var topicLevels = topic.split(separator: "/", omittingEmptySubsequences: false).makeIterator()
        for level in levels {
            if level == "#" { return true }
            guard let topicLevel = topicLevels.next() else { return false }
            if level != "+" && level != topicLevel { return false }
        }
        return topicLevels.next() == nil
    }
}
