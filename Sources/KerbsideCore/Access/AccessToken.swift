/// What a bearer token may do. Each role includes the ones before it.
public enum AccessRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Reads everything.
    case viewer
    /// Reads, and writes dimming schedules and overrides.
    case lighting
    /// Everything.
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .lighting: 1
        case .admin: 2
        }
    }

    public static func < (lhs: AccessRole, rhs: AccessRole) -> Bool { lhs.rank < rhs.rank }
}

/// A configured API token, known only by the SHA-256 of its secret so the config file leaks nothing.
public struct AccessToken: Sendable, Equatable {
    /// Who holds it; recorded in audit trails.
    public var name: String
    /// Lowercase hex SHA-256 of the token string.
    public var sha256: String
    public var role: AccessRole

    public init(name: String, sha256: String, role: AccessRole) {
        self.name = name
        self.sha256 = sha256
        self.role = role
    }
}
