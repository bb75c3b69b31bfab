import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import KerbsideHTTP

@Suite("Sign reads answered before the router")
struct SignReadFastPathTests {
    typealias Response = RawHTTPConnection.Response

    /// A live server as the daemon runs it, or with an empty router: then only the fast path can answer a sign.
    func withServer(
        routerHasRoutes: Bool = true,
        _ body: @escaping @Sendable (_ port: Int) async throws -> Void
    ) async throws {
        let box = LiveStateBox()
        let signs = SignAnswers(provider: box)
        let router =
            routerHasRoutes
            ? KerbsideRouter.make(provider: box, signs: signs, tokens: TestTokens.all, logger: Logger(label: "test"))
            : Router(context: KerbsideRequestContext.self)
        let app = Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [signs.makeFastPath(serverName: "test")])),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "test")
        )
        try await app.test(.live) { client in
            try await body(try #require(client.port))
        }
    }

    @Test func answersKnownSignsOnItsOwnWithTheRoutersHeaders() async throws {
        try await withServer(routerHasRoutes: false) { port in
            let (answers, declined) = try await RawHTTPConnection.onOwnThread {
                let connection = try RawHTTPConnection(port: port)
                try connection.send(
                    """
                    GET /api/v1/signs/centre-sign HTTP/1.1
                    Host: x

                    GET /api/v1/signs/centre-sign/text HTTP/1.1
                    Host: x

                    GET /api/v1/signs HTTP/1.1
                    Host: x


                    """
                )
                let answers = try connection.responses(3)
                // Unknown signs and other spellings are the router's (here: it has no routes).
                try connection.send(
                    "GET /api/v1/signs/nope HTTP/1.1\nHost: x\n\nGET /api/v1/signs/ HTTP/1.1\nHost: x\n\n"
                )
                return (answers, try connection.responses(2))
            }
            let (json, text, list) = (answers[0], answers[1], answers[2])
            #expect(json.status == 200)
            #expect(json.headers["content-type"] == "application/json; charset=utf-8")
            #expect(json.headers["cache-control"] == "no-store")
            #expect(json.headers["server"] == "test")
            #expect(json.headers["date"]?.hasSuffix(" GMT") == true)
            #expect(json.body.contains(#""id":"centre-sign""#))
            #expect(text.status == 200)
            #expect(text.headers["content-type"] == "text/plain; charset=utf-8")
            #expect(text.body == "----\n")
            #expect(list.status == 200)
            #expect(list.body.hasPrefix("["))
            #expect(declined.map(\.status) == [404, 404])
        }
    }

    @Test func answersPipelinedRequestsInOrder() async throws {
        try await withServer { port in
            let answers = try await RawHTTPConnection.onOwnThread {
                let connection = try RawHTTPConnection(port: port)
                // The router's answers take a hop to a task; a sign read behind one must not overtake it.
                try connection.send(
                    """
                    GET /healthz HTTP/1.1
                    Host: x

                    GET /api/v1/signs/centre-sign/text HTTP/1.1
                    Host: x

                    GET /api/v1/parking/zones HTTP/1.1
                    Host: x

                    GET /api/v1/signs/centre-sign/text HTTP/1.1
                    Host: x

                    GET /api/v1/signs/nope HTTP/1.1
                    Host: x

                    GET /api/v1/signs/centre-sign/text HTTP/1.1
                    Host: x


                    """
                )
                return try connection.responses(6)
            }
            #expect(answers.map(\.status) == [200, 200, 401, 200, 404, 200])
            #expect(answers[0].body.contains("ok"))
            #expect(answers[1].body == "----\n")
            #expect(answers[4].body.contains(#""code":"not_found""#))
            #expect(answers[5].body == "----\n")
        }
    }

    @Test func leavesToTheRouterWhatItCannotBeSureOf() async throws {
        try await withServer { port in
            let (answers, closing, closed) = try await RawHTTPConnection.onOwnThread {
                let connection = try RawHTTPConnection(port: port)
                // A body or a query makes a read the router's, which answers the same; the connection goes on.
                try connection.send(
                    "GET /api/v1/signs/centre-sign/text HTTP/1.1\nHost: x\nContent-Length: 3\n\nabc"
                        + "GET /api/v1/signs/centre-sign/text?lang=fr HTTP/1.1\nHost: x\n\n"
                )
                let answers = try connection.responses(2)
                try connection.send("GET /api/v1/signs/centre-sign/text HTTP/1.1\nHost: x\nConnection: close\n\n")
                return (answers, try connection.responses(1), try connection.waitForClose())
            }
            #expect(answers.map(\.body) == ["----\n", "----\n"])
            #expect(closing.map(\.body) == ["----\n"])
            #expect(closed, "Connection: close is honoured")
        }
    }
}
