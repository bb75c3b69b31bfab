import Crypto
import Foundation
import Hummingbird
import KerbsideCore

/// Recognises the caller's bearer token; routes then state the role they need with `require(_:)`.
///
/// Public routes (health, signs, open data) never call `require`, so a sign with a stale token keeps working.
struct AccessControl: RouterMiddleware {
    typealias Context = KerbsideRequestContext

    private let tokensByHash: [String: AccessToken]

    init(tokens: [AccessToken]) {
        tokensByHash = Dictionary(tokens.map { ($0.sha256.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            if let secret = Self.bearerSecret(in: header), let token = tokensByHash[TokenHashing.sha256Hex(of: secret)]
            {
                context.identity = token
            } else {
                context.rejectedCredential = "the bearer token is not valid"
            }
        }
        return try await next(request, context)
    }

    static func bearerSecret(in header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let secret = parts[1].trimmingCharacters(in: .whitespaces)
        return secret.isEmpty ? nil : secret
    }
}

/// How tokens are known in the configuration: by the lowercase hex SHA-256 of their secret.
public enum TokenHashing {
    public static func sha256Hex(of secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

extension KerbsideRequestContext {
    /// Throws 401 without a valid token and 403 when the token's role is below `role`; returns the token's name,
    /// for audit trails.
    @discardableResult
    func require(_ role: AccessRole) throws -> String {
        guard let identity else {
            throw APIError(
                .unauthorized,
                code: "unauthorized",
                message: rejectedCredential ?? "this endpoint needs an Authorization: Bearer token"
            )
        }
        guard identity.role >= role else {
            throw APIError(
                .forbidden,
                code: "forbidden",
                message: "token \"\(identity.name)\" has role \(identity.role.rawValue); this needs \(role.rawValue)"
            )
        }
        return identity.name
    }
}
