/// When the network thread reads on after a `mosquitto_loop` round, without waiting in `select()` first.
///
/// Under a stream of messages the socket holds several packets at once, and reading them one after another saves
/// the `select()` libmosquitto's loop makes before each (a system call per message, about a tenth of the
/// subscriber's CPU per message). When messages come one at a time, a read-ahead finds nothing and costs a read
/// that would block, so after an empty one the loop only tries again now and then.
struct ReadAhead {
    /// Packets read ahead at most per round, so that keepalive, stop requests and other threads' publishes still
    /// get their turn in `mosquitto_loop`.
    static let packetsPerRound = 64
    /// After an empty read-ahead, rounds without one before trying again.
    static let roundsBetweenProbes = 16

    private var roundsUntilProbe = 0

    /// Reads what waits on the socket if the last read-ahead found something, or it is time to look again.
    mutating func round(on handle: MosquittoHandle) throws(MQTTError) {
        guard roundsUntilProbe == 0 else {
            roundsUntilProbe -= 1
            return
        }
        let packets = try handle.readWaitingPackets(limit: Self.packetsPerRound)
        if packets == 0 { roundsUntilProbe = Self.roundsBetweenProbes }
    }
}
