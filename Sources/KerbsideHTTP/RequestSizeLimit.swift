import Hummingbird

/// Refuses a request whose declared body is larger than the configured limit before anything reads it.
/// Bodies without a length are still capped when collected, by the context's `maxUploadSize`.
struct RequestSizeLimit: RouterMiddleware {
    typealias Context = KerbsideRequestContext

    let maxBodyBytes: Int

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            throw APIError(
                .contentTooLarge,
                code: "too_large",
                message: "request body of \(declared) bytes exceeds the limit of \(maxBodyBytes) bytes"
            )
        }
        return try await next(request, context)
    }
}
