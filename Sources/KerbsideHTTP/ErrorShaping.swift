import Hummingbird
import Logging

/// Gives the router's own failures (unknown path, bad method, oversize body) the API's error shape, and turns
/// anything unexpected into a logged 500 that reveals no internals.
struct ErrorShaping: RouterMiddleware {
    typealias Context = KerbsideRequestContext

    let logger: Logger

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPError {
            throw APIError(
                error.status,
                code: Self.code(for: error.status),
                message: error.body ?? error.status.reasonPhrase
            )
        } catch {
            logger.error("request failed", metadata: ["http.path": "\(request.uri.path)", "error": "\(error)"])
            throw APIError(.internalServerError, code: "internal", message: "internal error; see the daemon's log")
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .contentTooLarge: "too_large"
        case .badRequest: "bad_request"
        case .unauthorized: "unauthorized"
        case .forbidden: "forbidden"
        default: "http_\(status.code)"
        }
    }
}
