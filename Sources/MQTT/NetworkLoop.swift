import CMosquitto
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The client's network thread: runs libmosquitto's loop, reconnects with backoff, and disconnects cleanly.
///
/// libmosquitto's own `mosquitto_loop_start` thread is not used, because in libmosquitto 2.0.11 it
/// - never retries when the first `mosquitto_connect_async` fails at once (it waits for a state change forever),
/// - ends for good on "fatal" errors, among them every CONNACK refusal under MQTT 5, and
/// - can only be stopped by `mosquitto_disconnect` while it keeps reading; a packet read after that (a PUBACK, a
///   message) makes it close the socket without sending the queued DISCONNECT, so the broker publishes the will.
///
/// This thread calls `mosquitto_loop` itself, reads on without a `select()` while packets wait (`ReadAhead`), and
/// reconnects with `mosquitto_reconnect_async` after a doubling delay (so `mosquitto_reconnect_delay_set` is not
/// used); on stop it lets the broker go quiet, then writes out what is queued with DISCONNECT last, reading nothing
/// after `mosquitto_disconnect` (see `disconnectCleanly()`). It keeps its own reference to the handle, so the handle
/// outlives every libmosquitto call even when the client is released on this very thread.
final class NetworkLoop: Sendable {
    private struct Control {
        var isStopRequested = false
        var filtersToRelease: [String] = []
        var isStarted = false
        var thread: pthread_t?
        var failedAttempts = 0
    }

    /// How long one `mosquitto_loop` round waits at most: the latency of noticing a stop request.
    private static let roundMilliseconds: Int32 = 100
    /// How long a clean disconnect may take to write out before the socket is simply closed.
    private static let disconnectTimeout: Duration = .seconds(2)
    /// How long the broker must stay silent before DISCONNECT is sent, and how long to wait for that at most.
    private static let quietMilliseconds: Int32 = 50
    private static let quietTimeout: Duration = .seconds(1)

    private let handle: MosquittoHandle
    private let reconnectDelayMin: Duration
    private let reconnectDelayMax: Duration
    private let control = Mutex(Control())
    /// Signalled by `requestStop()` to cut a reconnect delay short.
    private let wakeUp = DispatchSemaphore(value: 0)
    /// Signalled once the thread has made its last libmosquitto call.
    private let finished = DispatchSemaphore(value: 0)

    init(handle: MosquittoHandle, reconnectDelayMin: Duration, reconnectDelayMax: Duration) {
        self.handle = handle
        self.reconnectDelayMin = reconnectDelayMin
        self.reconnectDelayMax = reconnectDelayMax
    }

    /// Whether the caller runs on this loop's thread, that is inside a libmosquitto callback.
    var isCurrentThread: Bool {
        guard let thread = control.withLock({ $0.thread }) else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Starts the thread.
    ///
    /// - Parameter onConnectFailure: Told about reconnects that fail before libmosquitto has a socket (no callback
    ///   reports those), with the delay before the next attempt.
    /// - Throws: `MQTTError` with code `system` if no thread could be created.
    func start(onConnectFailure: @escaping @Sendable (MQTTError, Duration) -> Void) throws(MQTTError) {
        control.withLock { $0.isStarted = true }
        do throws(MQTTError) {
            try NativeThread.spawn { [self] in
                control.withLock { $0.thread = pthread_self() }
                run(onConnectFailure: onConnectFailure)
                // Callbacks from here on (none are expected) must not reach a client that may be gone.
                unsafe handle.setUserData(nil)
                finished.signal()
            }
        } catch {
            control.withLock { $0.isStarted = false }
            throw error
        }
    }

    /// Asks the thread to disconnect cleanly and end; returns at once.
    ///
    /// - Parameter filters: Subscriptions to give up before disconnecting, so that the broker stops sending.
    func requestStop(unsubscribing filters: [String]) {
        control.withLock { control in
            control.isStopRequested = true
            control.filtersToRelease = filters
        }
        wakeUp.signal()
    }

    /// Waits until the thread has ended, if it was started. Never call it on the thread itself.
    func waitUntilFinished() {
        guard control.withLock({ $0.isStarted }) else { return }
        finished.wait()
        // Leave the semaphore signalled for any later waiter.
        finished.signal()
    }

    /// Resets the reconnect backoff after the broker accepted a connection.
    func noteConnected() {
        control.withLock { $0.failedAttempts = 0 }
    }

    /// The delay before reconnect attempt number `attempt` (from 0): doubling from the minimum to the maximum.
    func delay(beforeAttempt attempt: Int) -> Duration {
        var delay = reconnectDelayMin
        for _ in 0..<min(attempt, 32) where delay < reconnectDelayMax {
            delay *= 2
        }
        return min(delay, reconnectDelayMax)
    }

    private var isStopRequested: Bool {
        control.withLock { $0.isStopRequested }
    }

    private func run(onConnectFailure: @Sendable (MQTTError, Duration) -> Void) {
        var readAhead = ReadAhead()
        while !isStopRequested {
            guard handle.socketDescriptor != nil else {
                // Lost, refused or never connected: wait, then try again.
                let attempt = control.withLock { control in
                    defer { control.failedAttempts += 1 }
                    return control.failedAttempts
                }
                guard !waitForStop(delay(beforeAttempt: attempt)) else { break }
                do throws(MQTTError) {
                    try handle.reconnectAsync()
                } catch {
                    onConnectFailure(error, delay(beforeAttempt: attempt + 1))
                }
                continue
            }
            do throws(MQTTError) {
                try handle.runLoop(timeoutMilliseconds: Self.roundMilliseconds)
                try readAhead.round(on: handle)
            } catch {
                if handle.socketDescriptor == nil {
                    // libmosquitto closed the socket. A failure before CONNACK (a TLS handshake refused, say) reaches
                    // no callback, so report it here; after one, this only restates what the callback said.
                    let attempt = control.withLock { $0.failedAttempts }
                    onConnectFailure(error, delay(beforeAttempt: attempt))
                } else if waitForStop(reconnectDelayMin) {
                    // A select() failure left the socket open: pause so that a persistent error cannot spin.
                    break
                }
            }
        }
        disconnectCleanly()
    }

    /// Waits for `delay` or a stop request.
    ///
    /// - Returns: Whether a stop was requested.
    private func waitForStop(_ delay: Duration) -> Bool {
        if isStopRequested { return true }
        _ = wakeUp.wait(timeout: .now() + .nanoseconds(delay.clampedNanoseconds))
        return isStopRequested
    }

    /// Sends DISCONNECT after everything queued before it, once the broker has gone quiet.
    ///
    /// Two things can make the broker miss a DISCONNECT and publish the will. libmosquitto 2.0.11 drops the
    /// connection without sending it when it reads any packet after `mosquitto_disconnect`, so nothing is read
    /// after that call. And closing a socket that still holds unread data makes the kernel reset the connection,
    /// whereupon the broker may discard the DISCONNECT unread; so the subscriptions are given up first and inbound
    /// packets handled until the broker has been silent for a moment.
    private func disconnectCleanly() {
        guard handle.socketDescriptor != nil else { return }
        for filter in control.withLock({ $0.filtersToRelease }) {
            try? handle.unsubscribe(filter)
        }
        waitForQuiet()
        guard handle.socketDescriptor != nil else { return }
        handle.disconnect()
        let deadline = ContinuousClock.now + Self.disconnectTimeout
        while let descriptor = handle.socketDescriptor, ContinuousClock.now < deadline {
            if handle.wantsWrite {
                var request = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = unsafe poll(&request, 1, Self.roundMilliseconds)
            }
            do throws(MQTTError) {
                try handle.writePending()
            } catch {
                return
            }
        }
    }

    /// Writes what is queued and handles what arrives until nothing has arrived for `quietMilliseconds`.
    private func waitForQuiet() {
        let deadline = ContinuousClock.now + Self.quietTimeout
        while let descriptor = handle.socketDescriptor, ContinuousClock.now < deadline {
            let events = POLLIN | (handle.wantsWrite ? POLLOUT : 0)
            var request = pollfd(fd: descriptor, events: Int16(events), revents: 0)
            guard unsafe poll(&request, 1, Self.quietMilliseconds) > 0 else { return }
            do throws(MQTTError) {
                if Int32(request.revents) & POLLOUT != 0 {
                    try handle.writePending()
                }
                if Int32(request.revents) & (POLLIN | POLLHUP | POLLERR) != 0 {
                    try handle.readPending()
                }
            } catch {
                return
            }
        }
    }
}
