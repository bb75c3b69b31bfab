import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KerbsideCore
import Logging
import Testing

@testable import KerbsideHTTP

@Suite("HTTP API over a live state")
struct RouterTests {
    func withApp(
        _ box: LiveStateBox = LiveStateBox(),
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let router = KerbsideRouter.make(
            provider: box,
            tokens: TestTokens.all,
            maxBodyBytes: 1024,
            logger: Logger(label: "test")
        )
        let app = Application(router: router)
        try await app.test(.router) { client in try await body(client) }
    }

    func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body))
        return try #require(object as? [String: Any])
    }

    func bearer(_ secret: String) -> HTTPFields { [.authorization: "Bearer \(secret)"] }

    @Test func healthAndSignsAnswerWithoutAToken() async throws {
        try await withApp { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/signs/centre-sign", method: .get) { response in
                #expect(response.status == .ok)
                let body = try json(response)
                #expect(body["status"] as? String == "unknown")
                #expect(body["out_of_service"] as? Int == 4)
                #expect(body["free"] is NSNull, "no count while unknown")
            }
            try await client.execute(uri: "/api/v1/signs/centre-sign/text", method: .get) { response in
                #expect(String(buffer: response.body) == "----\n")
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
    }

    @Test func readsNeedAValidToken() async throws {
        try await withApp { client in
            try await client.execute(uri: "/api/v1/parking/zones", method: .get) { response in
                #expect(response.status == .unauthorized)
                let error = try #require(try json(response)["error"] as? [String: Any])
                #expect(error["code"] as? String == "unauthorized")
                #expect(response.headers[.wwwAuthenticate] != nil)
            }
            try await client.execute(uri: "/api/v1/parking/zones", method: .get, headers: bearer("wrong")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(
                uri: "/api/v1/parking/zones",
                method: .get,
                headers: bearer(TestTokens.viewerSecret)
            ) {
                #expect($0.status == .ok)
            }
            // A sign keeps working even when it presents a stale token.
            try await client.execute(uri: "/api/v1/signs", method: .get, headers: bearer("stale")) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test func unknownThingsAre404InTheAPIShape() async throws {
        try await withApp { client in
            for uri in [
                "/api/v1/parking/bays/nope", "/api/v1/parking/zones/nope", "/api/v1/lighting/lights/nope",
                "/api/v1/lighting/groups/nope", "/api/v1/nothing-here",
            ] {
                try await client.execute(uri: uri, method: .get, headers: bearer(TestTokens.viewerSecret)) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    let error = try #require(try json(response)["error"] as? [String: Any])
                    #expect(error["code"] as? String == "not_found")
                }
            }
            try await client.execute(uri: "/api/v1/signs/nope/text", method: .get) { #expect($0.status == .notFound) }
        }
    }

    @Test func zoneAndBayAnswersCarryTheContractFields() async throws {
        let box = LiveStateBox()
        box.park("s-c1", occupied: true)
        box.park("s-c2", occupied: false)
        box.tick()
        try await withApp(box) { client in
            let auth = bearer(TestTokens.viewerSecret)
            try await client.execute(uri: "/api/v1/parking/zones/centre", method: .get, headers: auth) { response in
                let zone = try json(response)
                #expect(zone["occupied"] as? Int == 1)
                #expect(zone["free"] as? Int == 1)
                #expect(zone["unknown"] as? Int == 2)
                #expect(zone["capacity"] as? Int == 4)
                #expect(zone["occupancy"] as? Double == 0.5)
                #expect(zone["updated_at"] is String)
                let bays = try #require(zone["bays"] as? [[String: Any]])
                #expect(bays.map { $0["state"] as? String } == ["occupied", "free", "unknown", "unknown"])
            }
            try await client.execute(uri: "/api/v1/parking/bays/c1", method: .get, headers: auth) { response in
                let bay = try json(response)
                for key in ["id", "zone", "sensor", "state", "since", "last_seen", "battery_v", "overstay", "recent"] {
                    #expect(bay.keys.contains(key), "bay answer lacks \(key)")
                }
                #expect(bay["state"] as? String == "occupied")
                #expect(bay["battery_v"] is NSNull)
                #expect((bay["recent"] as? [Any])?.count == 1)
            }
        }
    }

    @Test func anOversizeBodyIsRefusedBeforeItIsRead() async throws {
        try await withApp { client in
            let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: 4096)
            try await client.execute(uri: "/api/v1/parking/zones", method: .post, body: body) { response in
                #expect(response.status == .contentTooLarge)
                let error = try #require(try json(response)["error"] as? [String: Any])
                #expect(error["code"] as? String == "too_large")
            }
        }
    }
}
