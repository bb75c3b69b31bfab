import Foundation
import HTTPTypes
import Hummingbird

/// An API failure in the `{"error": {"code", "message"}}` shape of DESIGN.md; the only place statuses are chosen.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// Stable, machine-readable: clients branch on it.
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public static func notFound(_ what: String, id: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "no \(what) with id \"\(id)\"")
    }

    public static func badRequest(_ message: String) -> APIError {
        APIError(.badRequest, code: "bad_request", message: message)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try JSONResponse.make(ErrorBody(error: .init(code: code, message: message)))
        response.status = status
        if status == .unauthorized {
            response.headers[.wwwAuthenticate] = "Bearer realm=\"kerbside\""
        }
        return response
    }
}

private struct ErrorBody: Encodable {
    struct Detail: Encodable {
        let code: String
        let message: String
    }

    let error: Detail
}
