import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One HTTP/1.1 connection over a plain socket, for what an HTTP client library hides: several requests written at
/// once (pipelining), and whether the server closed the connection.
///
/// Its calls block: use it inside `onOwnThread`, never on a thread of Swift concurrency's pool, where the router
/// answers (with two cores the pool has two threads, and parallel tests would hold both).
final class RawHTTPConnection {
    /// Runs `body` on a thread of its own and returns what it returns.
    static func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    struct Response: Sendable {
        var status: Int
        /// Header names in lowercase.
        var headers: [String: String]
        var body: String
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let socketDescriptor: Int32
    private var received: [UInt8] = []
    private(set) var isClosedByServer = false

    init(port: Int) throws {
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        // A server that stops answering fails the test within seconds rather than hanging it.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socketDescriptor)
            throw Failure(description: "connect: errno \(errno)")
        }
    }

    deinit {
        close(socketDescriptor)
    }

    /// Writes `text` as it is, `\n` turned into CRLF.
    func send(_ text: String) throws {
        let bytes = Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(socketDescriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "write: errno \(errno)") }
            sent += count
        }
    }

    /// Reads the next `count` responses, each framed by its `content-length`.
    func responses(_ count: Int) throws -> [Response] {
        try (0..<count).map { index in
            do { return try nextResponse() } catch {
                throw Failure(description: "response \(index + 1) of \(count): \(error)")
            }
        }
    }

    /// Waits until the server closes the connection; `false` if more bytes came instead.
    func waitForClose() throws -> Bool {
        try fill()
        return isClosedByServer && received.isEmpty
    }

    private func nextResponse() throws -> Response {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int?
        while headEnd == nil {
            headEnd = received.indices.dropLast(3).first { received[$0..<($0 + 4)].elementsEqual(separator) }
            if headEnd == nil { try fill() }
        }
        guard let headEnd else { throw Failure(description: "no response head") }
        let head = String(decoding: received[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw Failure(description: "bad status line \(head[0])")
        }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[line[..<colon].lowercased()] = value
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headEnd + 4
        while received.count < bodyStart + length { try fill() }
        let body = String(decoding: received[bodyStart..<(bodyStart + length)], as: UTF8.self)
        received.removeFirst(bodyStart + length)
        return Response(status: status, headers: headers, body: body)
    }

    private func fill() throws {
        guard !isClosedByServer else { throw Failure(description: "the server closed the connection") }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { read(socketDescriptor, $0.baseAddress, $0.count) }
        if count == 0 {
            isClosedByServer = true
            return
        }
        guard count > 0 else {
            let unread = String(decoding: received, as: UTF8.self)
            throw Failure(description: "read: errno \(errno) (a timeout is EAGAIN); unread: \(unread.debugDescription)")
        }
        received += buffer[..<count]
    }
}
