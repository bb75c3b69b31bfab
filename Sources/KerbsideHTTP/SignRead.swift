import Hummingbird
import NIOCore

/// One of the three sign reads, as a path names it.
enum SignRead: Equatable, Sendable {
    case list
    case json(id: String)
    case text(id: String)

    static let prefix = "/api/v1/signs"

    var signID: String? {
        switch self {
        case .list: nil
        case .json(let id), .text(let id): id
        }
    }

    /// The read a bare request path asks for, or `nil` for anything else: a query, percent-encoding, an empty
    /// or nested identifier. Those are left to the router, which knows every other spelling.
    init?(path: String) {
        guard path.hasPrefix(Self.prefix) else { return nil }
        let rest = path.utf8.dropFirst(Self.prefix.utf8.count)
        if rest.isEmpty {
            self = .list
            return
        }
        guard rest.first == UInt8(ascii: "/"),
            !rest.contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "#") })
        else { return nil }
        let levels = rest.dropFirst().split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        switch levels.count {
        case 1 where !levels[0].isEmpty:
            self = .json(id: String(decoding: levels[0], as: UTF8.self))
        case 2 where !levels[0].isEmpty && levels[1].elementsEqual("text".utf8):
            self = .text(id: String(decoding: levels[0], as: UTF8.self))
        default:
            return nil
        }
    }
}

/// The signs' answers, encoded once per snapshot; what the router's sign routes and `SignReadFastPath` both serve.
public final class SignAnswers: Sendable {
    static let jsonType = "application/json; charset=utf-8"
    static let textType = "text/plain; charset=utf-8"

    private let provider: any LiveStateProviding
    private let cache = SignAnswerCache()

    public init(provider: any LiveStateProviding) {
        self.provider = provider
    }

    /// The body and content type of a read, or `nil` for a sign that does not exist.
    func answer(_ read: SignRead) throws -> (body: ByteBuffer, contentType: String)? {
        let answers = try cache.answers(for: provider.currentSnapshot())
        switch read {
        case .list: return (answers.list, Self.jsonType)
        case .json(let id): return answers.json[id].map { ($0, Self.jsonType) }
        case .text(let id): return answers.text[id].map { ($0, Self.textType) }
        }
    }
}

extension SignAnswers {
    /// A new `SignReadFastPath` for one connection, to install with
    /// `HTTP1Channel.Configuration(additionalChannelHandlers:)`, its `Server` header `serverName` as
    /// `ApplicationConfiguration.serverName` gives the router's; the router must be made over the same answers.
    public func makeFastPath(serverName: String?) -> any RemovableChannelHandler {
        SignReadFastPath(signs: self, serverName: serverName)
    }
}
