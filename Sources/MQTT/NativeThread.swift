#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A detached POSIX thread for work that blocks for a client's lifetime, which Dispatch's pool is not meant for.
enum NativeThread {
    private final class Body {
        let run: @Sendable () -> Void

        init(run: @escaping @Sendable () -> Void) {
            self.run = run
        }
    }

    /// Starts `body` on a new detached thread.
    ///
    /// - Parameter body: The work; the thread ends when it returns.
    /// - Throws: `MQTTError` with code `system` if `pthread_create` fails.
    static func spawn(_ body: @escaping @Sendable () -> Void) throws(MQTTError) {
        let context = unsafe Unmanaged.passRetained(Body(run: body)).toOpaque()
        #if canImport(Glibc)
            var thread = pthread_t()
        #else
            var thread: pthread_t?
        #endif
        let rc = unsafe pthread_create(
            &thread,
            nil,
            { context in
                guard let context = unsafe context else { return nil }
                let body = unsafe Unmanaged<Body>.fromOpaque(context).takeRetainedValue()
                body.run()
                return nil
            },
            context
        )
        guard rc == 0 else {
            unsafe Unmanaged<Body>.fromOpaque(context).release()
            throw MQTTError(code: .system, message: "pthread_create failed with \(rc)", operation: "pthread_create")
        }
        #if canImport(Glibc)
            pthread_detach(thread)
        #else
            if let thread = unsafe thread { pthread_detach(thread) }
        #endif
    }
}
