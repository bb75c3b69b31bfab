import CMosquitto

/// Process-wide libmosquitto set-up.
enum MosquittoLibrary {
    /// The result of the one `mosquitto_lib_init()` call.
    ///
    /// `mosquitto_lib_init` is not thread safe; a `static let` runs its initialiser exactly once, under the runtime's
    /// one-time lock. `mosquitto_lib_cleanup` is never called: the library lives as long as the process.
    private static let initialization: Int32 = mosquitto_lib_init()

    /// Initialises libmosquitto on first use.
    ///
    /// - Throws: `MQTTError` if `mosquitto_lib_init` failed.
    static func initialize() throws(MQTTError) {
        try check(initialization, "mosquitto_lib_init")
    }

    /// The run-time libmosquitto version, such as `2.0.11`, for logs.
    static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var revision: Int32 = 0
        _ = unsafe mosquitto_lib_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
