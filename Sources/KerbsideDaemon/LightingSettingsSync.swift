import Dispatch
import Foundation
import KerbsideStore
import Logging
import Synchronization

/// Keeps a primary's and its standby's lighting settings the same through the retained `P/daemon/lighting` message.
///
/// The instance that takes a change publishes its settings (only a publishing instance takes changes: a standby
/// refuses them while its primary is online). Every instance adopts settings newer than its own, whoever published
/// them; one holding newer settings than the retained message publishes its own, and so does a publishing instance
/// that hears no retained message within `unheardGrace` of connecting. Adoption writes SQLite, so it runs on its own
/// queue rather than on libmosquitto's thread.
final class LightingSettingsSync: Sendable {
    static let unheardGrace: DispatchTimeInterval = .seconds(2)

    private let queue = DispatchQueue(label: "kerbside.lighting-settings")
    private let lighting: LightingControl
    private let instance: String
    private let isPublishing: @Sendable () -> Bool
    private let publish: @Sendable ([UInt8]) -> Void
    private let logger: Logger
    /// Bumped on every connect; a grace timer of an older connection does nothing.
    private let connection = Mutex((number: 0, heard: false))

    init(
        lighting: LightingControl,
        instance: String,
        isPublishing: @escaping @Sendable () -> Bool,
        publish: @escaping @Sendable ([UInt8]) -> Void,
        logger: Logger
    ) {
        self.lighting = lighting
        self.instance = instance
        self.isPublishing = isPublishing
        self.publish = publish
        self.logger = logger
        lighting.onChangeHere { [instance, publish] settings in
            publish(LightingSettingsMessage(settings, instance: instance).encoded())
        }
    }

    func connected() {
        let number = connection.withLock { state in
            state = (state.number + 1, false)
            return state.number
        }
        queue.asyncAfter(deadline: .now() + Self.unheardGrace) { [self] in
            let unheard = connection.withLock { $0.number == number && !$0.heard }
            guard unheard, isPublishing() else { return }
            guard lighting.revision > 0 else { return }
            publish(LightingSettingsMessage(lighting.current, instance: instance).encoded())
        }
    }

    /// A retained or fresh `P/daemon/lighting` message, on libmosquitto's thread.
    func received(_ payload: UnsafeRawBufferPointer) {
        connection.withLock { $0.heard = true }
        let message: LightingSettingsMessage
        let settings: StoredLighting
        do {
            message = try LightingSettingsMessage.decode(payload)
            settings = try message.stored()
        } catch {
            logger.error("unreadable lighting settings on the broker; ignored", metadata: ["error": "\(error)"])
            return
        }
        queue.async { [self] in
            let own = lighting.revision
            if settings.revision > own {
                do {
                    try lighting.adopt(settings, from: message.instance)
                } catch {
                    logger.error("could not store adopted lighting settings", metadata: ["store.error": "\(error)"])
                }
            } else if settings.revision < own, isPublishing() {
                publish(LightingSettingsMessage(lighting.current, instance: instance).encoded())
            }
        }
    }
}
