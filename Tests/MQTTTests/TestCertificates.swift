import Foundation

/// A throwaway certificate authority with a server certificate for `127.0.0.1` and a client certificate, made with
/// the `openssl` command in a temporary directory.
struct TestCertificates {
    let directory: URL
    var caFile: String { directory.appendingPathComponent("ca.crt").path }
    var serverCertificate: String { directory.appendingPathComponent("server.crt").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }
    var clientCertificate: String { directory.appendingPathComponent("client.crt").path }
    var clientKey: String { directory.appendingPathComponent("client.key").path }

    struct OpenSSLFailure: Error {
        var arguments: [String]
        var status: Int32
    }

    /// Whether the `openssl` command is there to make certificates.
    static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    }

    /// Makes a new authority and both certificates, named after `name` so two sets never verify each other.
    init(name: String = "kerbside-test-ca") throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kerbside-tls-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.path
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(
            ["req", "-x509"] + curve + [
                "-keyout", "\(path)/ca.key", "-out", "\(path)/ca.crt", "-days", "2", "-subj", "/CN=\(name)",
            ]
        )
        try "subjectAltName=IP:127.0.0.1\n".write(
            toFile: "\(path)/server.ext",
            atomically: true,
            encoding: .utf8
        )
        for (role, extensions) in [("server", ["-extfile", "\(path)/server.ext"]), ("client", [])] {
            try Self.openssl(
                ["req"] + curve + [
                    "-keyout", "\(path)/\(role).key", "-out", "\(path)/\(role).csr", "-subj", "/CN=\(role)",
                ]
            )
            try Self.openssl(
                [
                    "x509", "-req", "-in", "\(path)/\(role).csr", "-CA", "\(path)/ca.crt", "-CAkey", "\(path)/ca.key",
                    "-CAcreateserial", "-out", "\(path)/\(role).crt", "-days", "2",
                ] + extensions
            )
        }
    }

    /// The broker lines for a TLS listener that requires client certificates from this authority.
    var brokerConfiguration: [String] {
        [
            "cafile \(caFile)",
            "certfile \(serverCertificate)",
            "keyfile \(serverKey)",
            "require_certificate true",
        ]
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailure(arguments: arguments, status: process.terminationStatus)
        }
    }
}
