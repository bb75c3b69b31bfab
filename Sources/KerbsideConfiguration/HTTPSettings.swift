/// Where the HTTP API listens and how much it accepts.
public struct HTTPSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    /// Larger request bodies are refused before they are read.
    public var maxBodyBytes: Int

    /// Creates settings; the defaults are those of the configuration file.
    public init(host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 65536) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
    }
}
