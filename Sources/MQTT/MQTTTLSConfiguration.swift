/// How a client secures its connection with TLS.
///
/// Either `caFile` or `caPath` names the certificate authorities that sign the broker's certificate; when both are
/// `nil` the operating system's trust store is used. `certificateFile` and `keyFile` (PEM) go together and are only
/// needed when the broker asks for client certificates.
public struct MQTTTLSConfiguration: Sendable, Equatable {
    /// A PEM file of trusted certificate authorities.
    public var caFile: String?
    /// A directory of trusted certificate authorities, prepared with `openssl rehash`.
    public var caPath: String?
    /// The client's PEM certificate, for brokers that require client certificates.
    public var certificateFile: String?
    /// The unencrypted PEM private key of `certificateFile`.
    public var keyFile: String?
    /// Accept a broker certificate whose name does not match the host. Only for test rigs: it allows impersonation.
    public var insecureSkipHostnameCheck: Bool

    /// Creates a TLS configuration.
    ///
    /// - Parameters:
    ///   - caFile: A PEM file of trusted certificate authorities.
    ///   - caPath: A directory of trusted certificate authorities.
    ///   - certificateFile: The client's PEM certificate, if the broker requires one.
    ///   - keyFile: The private key of `certificateFile`.
    ///   - insecureSkipHostnameCheck: Whether to skip matching the broker certificate's name against the host.
    public init(
        caFile: String? = nil,
        caPath: String? = nil,
        certificateFile: String? = nil,
        keyFile: String? = nil,
        insecureSkipHostnameCheck: Bool = false
    ) {
        self.caFile = caFile
        self.caPath = caPath
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.insecureSkipHostnameCheck = insecureSkipHostnameCheck
    }
}
