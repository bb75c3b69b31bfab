import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A private mosquitto broker for one test, on a free loopback port, with a temporary configuration.
///
/// Each instance runs its own `/usr/sbin/mosquitto -c <tmp>/mosquitto.conf` (anonymous access, no persistence, so a
/// restart forgets every session and retained message) and is stopped by its pid in `stop()` or `deinit`, so
/// suites running in parallel never share a broker. `init` returns once the broker has bound its port and accepts
/// TCP connections.
///
/// ```swift
/// let broker = try TestBroker()
/// let configuration = MQTTConfiguration(host: broker.host, port: broker.port, clientID: "test")
/// ```
public final class TestBroker: Sendable {
    /// A broker that could not be started or restarted; `log` holds mosquitto's own output.
    public struct StartError: Error, CustomStringConvertible {
        /// What went wrong.
        public var message: String
        /// The broker's log up to the failure.
        public var log: String

        public var description: String { "\(message)\n--- mosquitto log ---\n\(log)" }
    }

    /// The address the broker listens on.
    public let host = "127.0.0.1"
    /// The TCP port the broker listens on; stays the same across `restart()`.
    public let port: Int
    /// The temporary directory with the configuration, password file and log; removed in `deinit`.
    public let directory: URL

    private let configurationFile: URL
    private let logFile: URL
    private let startupTimeout: Duration
    private let process: Mutex<Process?>

    /// Starts a broker on a free loopback port.
    ///
    /// - Parameters:
    ///   - configuration: Extra `mosquitto.conf` lines, appended after the listener, for example `max_keepalive 10`.
    ///   - passwords: User names and passwords; when not empty the broker requires them (a `password_file` made
    ///     with `mosquitto_passwd`) and refuses anonymous clients.
    ///   - startupTimeout: How long to wait for the broker to accept connections.
    /// - Throws: `StartError` if mosquitto does not come up, or the file system errors of writing its files.
    public init(
        configuration: [String] = [],
        passwords: [String: String] = [:],
        startupTimeout: Duration = .seconds(10)
    ) throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kerbside-broker-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.directory = directory
        self.configurationFile = directory.appendingPathComponent("mosquitto.conf")
        self.logFile = directory.appendingPathComponent("mosquitto.log")
        self.startupTimeout = startupTimeout
        self.process = Mutex(nil)

        var settings = [
            "allow_anonymous \(passwords.isEmpty)",
            "persistence false",
            "log_dest file \(logFile.path)",
            "log_type all",
        ]
        if geteuid() == 0 {
            // Otherwise mosquitto drops to the `mosquitto` user, which cannot read our temporary files.
            settings.append("user root")
        }
        if !passwords.isEmpty {
            let passwordFile = directory.appendingPathComponent("passwords")
            try Self.writePasswordFile(passwords, to: passwordFile)
            settings.append("password_file \(passwordFile.path)")
        }

        // A port that was free a moment ago may be taken by another suite before mosquitto binds it: try again.
        var lastError: StartError?
        for _ in 0..<5 {
            let candidate = try Self.freeLoopbackPort()
            let text = (["listener \(candidate) \(host)"] + configuration + settings).joined(separator: "\n") + "\n"
            try text.write(to: configurationFile, atomically: true, encoding: .utf8)
            do {
                let launched = try Self.launch(configurationFile: configurationFile, logFile: logFile)
                try Self.waitUntilReady(launched, port: candidate, logFile: logFile, timeout: startupTimeout)
                self.port = candidate
                self.process.withLock { $0 = launched }
                return
            } catch let error as StartError {
                lastError = error
                guard error.log.contains("Address already in use") else { break }
            }
        }
        try? FileManager.default.removeItem(at: directory)
        throw lastError ?? StartError(message: "mosquitto did not start", log: "")
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Whether the broker process is running.
    public var isRunning: Bool {
        process.withLock { $0?.isRunning ?? false }
    }

    /// The broker's log so far, for failure messages.
    public var log: String {
        Self.readLog(logFile)
    }

    /// Stops the broker by its pid and waits until it has exited; idempotent.
    ///
    /// Connected clients see their connection drop, as in a broker crash (a killed broker publishes no wills).
    public func stop() {
        guard
            let running = process.withLock({ process in
                defer { process = nil }
                return process
            })
        else { return }
        let pid = running.processIdentifier
        guard running.isRunning else { return }
        // SIGKILL, not SIGTERM: children of the test runner inherit its blocked signal mask, so mosquitto would
        // ignore SIGTERM. The broker keeps nothing on disk, so there is nothing to shut down cleanly.
        kill(pid, SIGKILL)
        running.waitUntilExit()
    }

    /// Stops the broker if running and starts it again on the same port, with the same configuration.
    ///
    /// Without persistence the new broker knows no sessions or retained messages: clients must resubscribe.
    ///
    /// - Throws: `StartError` if mosquitto does not come back (for example because the port was taken meanwhile).
    public func restart() throws {
        stop()
        let launched = try Self.launch(configurationFile: configurationFile, logFile: logFile)
        try Self.waitUntilReady(launched, port: port, logFile: logFile, timeout: startupTimeout)
        process.withLock { $0 = launched }
    }

    /// A loopback TCP port that was free when asked: bound to `127.0.0.1:0`, read back and released.
    ///
    /// - Throws: `StartError` if no socket could be bound.
    public static func freeLoopbackPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw StartError(message: "socket() failed: errno \(errno)", log: "") }
        defer { close(descriptor) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw StartError(message: "bind(127.0.0.1:0) failed: errno \(errno)", log: "") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func readLog(_ logFile: URL) -> String {
        let output = logFile.appendingPathExtension("out")
        return [logFile, output].map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }.joined()
    }

    private static func loopbackAddress(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private static func acceptsConnections(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = loopbackAddress(port: UInt16(port))
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                connect(descriptor, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func writePasswordFile(_ passwords: [String: String], to file: URL) throws {
        for (index, (user, password)) in passwords.sorted(by: { $0.key < $1.key }).enumerated() {
            // `-c` creates the file for the first user; `-b` takes the password from the command line.
            let arguments = (index == 0 ? ["-c"] : []) + ["-b", file.path, user, password]
            let tool = Process()
            tool.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_passwd")
            tool.arguments = arguments
            tool.standardOutput = FileHandle.nullDevice
            tool.standardError = FileHandle.nullDevice
            try tool.run()
            tool.waitUntilExit()
            guard tool.terminationStatus == 0 else {
                throw StartError(message: "mosquitto_passwd exited with \(tool.terminationStatus)", log: "")
            }
        }
    }

    private static func launch(configurationFile: URL, logFile: URL) throws -> Process {
        // Start every run with an empty log, so readiness is judged on this run's lines only. mosquitto appends
        // its log there itself (and flushes each line); what it prints before reading the configuration goes to
        // a second file.
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let outputFile = logFile.appendingPathExtension("out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        let broker = Process()
        broker.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        broker.arguments = ["-c", configurationFile.path]
        broker.standardOutput = output
        broker.standardError = output
        try broker.run()
        return broker
    }

    /// Polls, with a deadline, until mosquitto has logged that it runs and its port accepts a TCP connection.
    private static func waitUntilReady(_ broker: Process, port: Int, logFile: URL, timeout: Duration) throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let log = readLog(logFile)
            guard broker.isRunning else {
                broker.waitUntilExit()
                let message = "mosquitto exited with \(broker.terminationStatus) before accepting connections"
                throw StartError(message: message, log: log)
            }
            if log.contains(" running") && acceptsConnections(port: port) {
                return
            }
            usleep(10_000)
        }
        kill(broker.processIdentifier, SIGKILL)
        broker.waitUntilExit()
        let log = readLog(logFile)
        throw StartError(message: "mosquitto did not accept connections on port \(port) within \(timeout)", log: log)
    }
}
