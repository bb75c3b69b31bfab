import Hummingbird
import KerbsideCore

/// The request context of every route: Hummingbird's storage plus who is calling.
public struct KerbsideRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The token the caller presented, once the auth middleware has checked it.
    public var identity: AccessToken?
    /// Set when the caller presented a token that matches none; routes that need a role answer 401 with it.
    public var rejectedCredential: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        identity = nil
        rejectedCredential = nil
    }

    /// Request bodies are small JSON documents (schedules, overrides); anything larger is refused early.
    public var maxUploadSize: Int { 64 * 1024 }
}
