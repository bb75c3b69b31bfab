import Foundation
import KerbsideCore

extension ConfigurationReader {
    /// The MQTT broker connection. The default port follows TLS (8883 with it, 1883 without) and the default
    /// client id follows the instance, so two daemons on one broker do not kick each other off.
    func readBroker(_ document: YAMLMapping, instance: String) -> BrokerSettings {
        let keys = [
            "host", "port", "client_id", "username", "password", "password_file", "protocol", "keepalive", "tls",
            "reconnect_min", "reconnect_max",
        ]
        var settings = BrokerSettings(clientID: "kerbsided-" + instance)
        guard let broker = document.mapping("broker", keys: keys) else { return settings }

        settings.tls = readTLS(broker)
        settings.host = broker.string("host").flatMap { hostName($0, in: broker, "host") } ?? settings.host
        settings.port = broker.int("port", in: 1...65535) ?? (settings.tls == nil ? 1883 : 8883)
        settings.clientID = broker.string("client_id") ?? settings.clientID
        settings.username = broker.string("username")
        settings.password = readPassword(broker)
        if settings.password != nil, settings.username == nil {
            let key = broker.contains("password") ? "password" : "password_file"
            log.report("a password needs a username; add broker.username", at: broker.location(of: key))
        }
        if let name = broker.choice("protocol", from: BrokerSettings.ProtocolVersion.allCases.map(\.rawValue)) {
            settings.protocolVersion = BrokerSettings.ProtocolVersion(rawValue: name) ?? .v5
        }
        // MQTT carries the keepalive in 16 bits; libmosquitto refuses less than 5 s.
        settings.keepAlive = broker.duration("keepalive", in: 5...65535) ?? settings.keepAlive
        settings.reconnectMin = broker.duration("reconnect_min", in: 1...3600) ?? settings.reconnectMin
        settings.reconnectMax = broker.duration("reconnect_max", in: 1...3600) ?? settings.reconnectMax
        if settings.reconnectMax < settings.reconnectMin {
            let message =
                "expected at least reconnect_min (\(YAMLReader.formatDuration(settings.reconnectMin))), "
                + "found \(YAMLReader.formatDuration(settings.reconnectMax))"
            log.report(message, at: broker.location(of: "reconnect_max"))
        }
        return settings
    }

    private func hostName(_ host: String, in mapping: YAMLMapping, _ name: String) -> String? {
        guard host.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace }) else {
            log.report("expected a host name or address, found \"\(host)\"", at: mapping.location(of: name))
            return nil
        }
        return host
    }

    /// The password given inline or as the first line of `password_file`, which keeps it out of a file that is
    /// often world-readable and checked in.
    private func readPassword(_ broker: YAMLMapping) -> String? {
        let inline = broker.string("password", allowEmpty: true)
        guard broker.value("password_file") != nil else { return inline }
        if broker.value("password") != nil {
            log.report("give password or password_file, not both", at: broker.location(of: "password_file"))
        }
        guard let path = readableFile(broker, "password_file") else { return inline }
        do {
            let contents = try String(contentsOfFile: path, encoding: .utf8)
            let firstLine = contents.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""
            let password = firstLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if password.isEmpty {
                log.report(
                    "expected a password on the first line of \"\(path)\", found none",
                    at: broker.location(of: "password_file")
                )
                return inline
            }
            return inline ?? password
        } catch {
            log.report(
                "cannot read \"\(path)\" as UTF-8 text: \(error.localizedDescription)",
                at: broker.location(of: "password_file")
            )
            return inline
        }
    }

    private func readTLS(_ broker: YAMLMapping) -> TLSSettings? {
        let keys = ["ca_file", "ca_path", "cert_file", "key_file", "insecure_skip_hostname_check"]
        guard broker.value("tls") != nil, let tls = broker.mapping("tls", keys: keys) else { return nil }
        var settings = TLSSettings()
        settings.caFile = readableFile(tls, "ca_file")
        settings.caPath = readableFile(tls, "ca_path", directory: true)
        settings.certFile = readableFile(tls, "cert_file")
        settings.keyFile = readableFile(tls, "key_file")
        settings.insecureSkipHostnameCheck = tls.bool("insecure_skip_hostname_check") ?? false
        switch (tls.value("cert_file"), tls.value("key_file")) {
        case (.some, nil):
            log.report("required key is missing; cert_file needs key_file", at: tls.location(of: "key_file"))
        case (nil, .some):
            log.report("required key is missing; key_file needs cert_file", at: tls.location(of: "cert_file"))
        default:
            break
        }
        return settings
    }

    /// The topic prefix, the instance name (one topic level of `P/daemon/{instance}/status`) and the instance this
    /// one stands by for, if any.
    func readMQTT(_ document: YAMLMapping) -> (topicPrefix: String, instance: String, standbyFor: String?) {
        var topicPrefix = "kerbside"
        var instance = "default"
        guard let mqtt = document.mapping("mqtt", keys: ["topic_prefix", "instance", "standby_for"]) else {
            return (topicPrefix, instance, nil)
        }
        if let prefix = mqtt.string("topic_prefix") {
            if let problem = IdentifierRules.topicPrefixProblem(with: prefix) {
                log.report(problem, at: mqtt.location(of: "topic_prefix"))
            } else {
                topicPrefix = prefix
            }
        }
        instance = identifier(mqtt, "instance", required: false) ?? instance
        var standbyFor = identifier(mqtt, "standby_for", required: false)
        if standbyFor == instance {
            log.report(
                "a daemon cannot stand by for itself; name its primary's mqtt.instance",
                at: mqtt.location(of: "standby_for")
            )
            standbyFor = nil
        }
        return (topicPrefix, instance, standbyFor)
    }
}
