import Hummingbird
import NIOCore
import NIOHTTPTypes

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Answers sign reads on the connection's event loop; every other request goes on to the router untouched.
///
/// Signs poll many times a second, and their answers are bytes cached per snapshot, so most of a read's cost through
/// the router was the hop of each request from the event loop to a Swift concurrency task and back (the README's
/// performance section). This handler sits in the channel pipeline after HTTP decoding and before Hummingbird, and
/// answers a read itself only when the answer is certain and in order: a bodiless `GET` of a known sign (or of the
/// list) without `Connection: close`, with no earlier request still at the router. Everything else, the 404 of an
/// unknown sign included, is the router's, which has the same routes over the same `SignAnswers`.
final class SignReadFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let signs: SignAnswers
    private let serverName: String?
    /// A sign read whose end has not arrived yet: a body part would make it the router's after all.
    private var held: (request: HTTPRequest, read: SignRead)?
    /// Requests handed to the router whose response has not ended: a read behind them must wait its turn there.
    private var requestsAtRouter = 0
    private var hasUnflushedAnswer = false
    private var date = HTTPDateField()

    init(signs: SignAnswers, serverName: String?) {
        self.signs = signs
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            if requestsAtRouter == 0, held == nil, let read = Self.servableRead(request) {
                held = (request, read)
                return
            }
            requestsAtRouter += 1
        case .body:
            passHeldToRouter(context: context)
        case .end:
            if let (request, read) = held {
                held = nil
                if answer(read, context: context) { return }
                requestsAtRouter += 1
                context.fireChannelRead(wrapInboundOut(.head(request)))
            }
        }
        context.fireChannelRead(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if hasUnflushedAnswer {
            hasUnflushedAnswer = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), requestsAtRouter > 0 {
            requestsAtRouter -= 1
        }
        context.write(data, promise: promise)
    }

    private static func servableRead(_ request: HTTPRequest) -> SignRead? {
        guard request.method == .get, let path = request.path,
            !(request.headerFields[.connection]?.lowercased().contains("close") ?? false)
        else { return nil }
        return SignRead(path: path)
    }

    private func passHeldToRouter(context: ChannelHandlerContext) {
        guard let (request, _) = held else { return }
        held = nil
        requestsAtRouter += 1
        context.fireChannelRead(wrapInboundOut(.head(request)))
    }

    /// Writes the answer, unflushed until the read batch ends; `false` for an unknown sign or a failed encoding.
    private func answer(_ read: SignRead, context: ChannelHandlerContext) -> Bool {
        guard let (body, contentType) = try? signs.answer(read) else { return false }
        var fields: HTTPFields = [
            .contentType: contentType,
            .cacheControl: "no-store",
            .contentLength: String(body.readableBytes),
            .date: date.now(),
        ]
        if let serverName { fields[.server] = serverName }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: .ok, headerFields: fields))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        hasUnflushedAnswer = true
        return true
    }
}

/// The `Date` header's value (RFC 9110's IMF-fixdate, English names whatever the locale), made at most once a second.
private struct HTTPDateField {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private var second: time_t = -1
    private var value = ""

    mutating func now() -> String {
        var clock = time(nil)
        guard clock != second else { return value }
        var parts = tm()
        gmtime_r(&clock, &parts)
        func twoDigits(_ number: Int32) -> String { number < 10 ? "0\(number)" : "\(number)" }
        value =
            "\(Self.days[Int(parts.tm_wday)]), \(twoDigits(parts.tm_mday)) \(Self.months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec)) GMT"
        second = clock
        return value
    }
}
