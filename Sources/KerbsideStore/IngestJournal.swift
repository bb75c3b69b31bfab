import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An append-only journal of every reading received, in memory-mapped segment files.
///
/// Why: libmosquitto acknowledges a QoS 1 message before it hands it over, so the broker never resends what the
/// daemon had received when it died. An append is a copy into a shared mapping, no system call: the page cache
/// holds it through a `kill -9` of the process (not through a power cut, which the checkpoint interval bounds).
/// The rollup writer's checkpoints record the position they include; a restart replays the records after it.
///
/// A record is an 8-byte header (body length, FNV-1a checksum of the body) and the body, padded to 8 bytes; the
/// length is written last, so a record cut short by a crash reads as the end. Segments are allocated whole when
/// created (`posix_fallocate`), because writing into a hole of a mapping on a full disk raises SIGBUS.
///
/// Not thread-safe by itself: its owner serialises appends under the ingest lock, which is why it may be sent
/// there; replay runs before ingest starts.
public final class IngestJournal: @unchecked Sendable {
    public static let defaultSegmentBytes = 64 << 20
    static let headerBytes = 8

    public let directory: String
    public let segmentBytes: Int
    /// Where the next record goes.
    public private(set) var position: JournalPosition
    /// Why appends stopped, while they do (the disk could not hold a new segment); readings still apply,
    /// unjournaled, and each tick tries a new segment again.
    public private(set) var failure: String?

    private var mapping: UnsafeMutableRawPointer?
    /// The next segment, mapped ahead of need by `upkeep`, so that rolling over is a pointer swap.
    private var spare: PreparedSegment?
    private var spareRequested = false
    /// The segment an upkeep could not make (a full disk): not asked for again; rolling over tries it once more and
    /// reports the failure.
    private var spareFailedFor: UInt64?
    /// Full segments' mappings, for `upkeep` to unmap: unmapping 64 MiB took 2–12 ms here.
    private var retired: [UnsafeMutableRawPointer] = []

    /// Opens the journal in `directory` (created if missing) for appending after its last whole record.
    ///
    /// - Parameters:
    ///   - directory: where the segment files live.
    ///   - segmentBytes: the size of each segment file; records larger than a segment are refused.
    /// - Throws: `StoreError` with code `journal` when the directory or a segment cannot be made.
    public init(directory: String, segmentBytes: Int = defaultSegmentBytes) throws(StoreError) {
        self.directory = directory
        self.segmentBytes = segmentBytes
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError(.journal, "cannot create the journal directory \(directory): \(error)")
        }
        let segments = Self.segments(in: directory)
        if let last = segments.last {
            let end = Self.scan(directory: directory, from: JournalPosition(segment: last, offset: 0), segmentBytes)
            position = end.position
        } else {
            position = JournalPosition(segment: 1, offset: 0)
        }
        mapping = try Self.map(segment: position.segment, in: directory, bytes: segmentBytes)
    }

    deinit {
        if let mapping { munmap(mapping, segmentBytes) }
        if let spare { munmap(spare.address, segmentBytes) }
        for address in retired { munmap(address, segmentBytes) }
    }

    /// A segment file created, allocated and mapped.
    public struct PreparedSegment: @unchecked Sendable {
        let segment: UInt64
        let address: UnsafeMutableRawPointer
    }

    /// What the journal's owner does outside its lock: unmap full segments and map the next one before it is needed.
    ///
    /// Why: the journal is appended to on libmosquitto's thread, under the ingest lock. Rolling over there (unmapping
    /// the full segment, creating, allocating and mapping the next) stalled that thread for up to 14 ms every 64 MiB,
    /// long enough for the broker to queue and, with its stock limits, drop QoS 1 messages.
    public struct Upkeep: @unchecked Sendable {
        let retired: [UnsafeMutableRawPointer]
        let nextSegment: UInt64?
        let directory: String
        let segmentBytes: Int

        /// Does the work; returns the next segment mapped, if one was asked for and could be made (when not, rolling
        /// over maps it in place, and reports the failure).
        public func perform() -> PreparedSegment? {
            for address in retired { munmap(address, segmentBytes) }
            guard let nextSegment else { return nil }
            guard let address = try? IngestJournal.map(segment: nextSegment, in: directory, bytes: segmentBytes) else {
                return nil
            }
            return PreparedSegment(segment: nextSegment, address: address)
        }
    }

    /// The upkeep due, if any; call under the lock that serialises appends, then `perform()` it outside and give the
    /// result to `install(_:)`. The next segment is prepared once the current one is half full.
    public func takeUpkeep() -> Upkeep? {
        let needsSpare =
            spare == nil && !spareRequested && failure == nil && spareFailedFor != position.segment + 1
            && position.offset >= segmentBytes / 2
        guard needsSpare || !retired.isEmpty else { return nil }
        if needsSpare { spareRequested = true }
        defer { retired.removeAll() }
        return Upkeep(
            retired: retired,
            nextSegment: needsSpare ? position.segment + 1 : nil,
            directory: directory,
            segmentBytes: segmentBytes
        )
    }

    /// Takes a segment prepared by an `Upkeep`; call under the lock that serialises appends.
    public func install(_ prepared: PreparedSegment?) {
        defer { spareRequested = false }
        guard let prepared else {
            if spareRequested { spareFailedFor = position.segment + 1 }
            return
        }
        guard spare == nil, prepared.segment == position.segment + 1 else {
            // Rolled over without it meanwhile: the segment file exists and will be appended to in its turn.
            retired.append(prepared.address)
            return
        }
        spare = prepared
    }

    /// Journals a received message.
    ///
    /// - Parameters:
    ///   - kind: how its topic was routed.
    ///   - device: the sensor or controller id from the topic (UTF-8), or a network server's whole topic.
    ///   - payload: the message as received.
    ///   - receivedAt: when it was received.
    public func appendMessage(
        kind: JournalRouteKind,
        device: UnsafeRawBufferPointer,
        payload: UnsafeRawBufferPointer,
        receivedAt: Date
    ) {
        append(
            kind: 1,
            routeKind: kind.rawValue,
            device: device.assumingMemoryBound(to: UInt8.self),
            payload: payload,
            time: receivedAt
        )
    }

    /// Journals an aggregation tick.
    ///
    /// - Parameter now: the tick's time.
    public func appendTick(now: Date) {
        if failure != nil { _ = roll() }
        append(
            kind: 2,
            routeKind: 0,
            device: UnsafeBufferPointer(start: nil, count: 0),
            payload: .init(start: nil, count: 0),
            time: now
        )
    }

    /// Deletes the segments wholly before `position`, once a checkpoint holds everything in them.
    ///
    /// - Parameters:
    ///   - position: the position the newest stored checkpoint includes.
    ///   - directory: the journal's directory.
    public static func discard(before position: JournalPosition, in directory: String) {
        for segment in segments(in: directory) where segment < position.segment {
            unlink(path(of: segment, in: directory))
        }
    }

    /// Reads the records after `position` in order, stopping at the first incomplete one.
    ///
    /// - Parameters:
    ///   - directory: where the segment files live.
    ///   - position: where to start, as a checkpoint recorded it.
    ///   - segmentBytes: the size of each segment file.
    ///   - body: called with each record.
    /// - Returns: the position after the last whole record.
    @discardableResult
    public static func replay(
        directory: String,
        from position: JournalPosition,
        segmentBytes: Int = defaultSegmentBytes,
        _ body: (JournalRecord) -> Void
    ) -> JournalPosition {
        scan(directory: directory, from: position, segmentBytes, body).position
    }

    // MARK: - Appending

    private func append(
        kind: UInt8,
        routeKind: UInt8,
        device: UnsafeBufferPointer<UInt8>,
        payload: UnsafeRawBufferPointer,
        time: Date
    ) {
        guard failure == nil || kind == 2 else { return }
        let bodyBytes = Self.fixedBodyBytes + device.count + payload.count
        let recordBytes = Self.headerBytes + Self.padded(bodyBytes)
        guard recordBytes <= segmentBytes, device.count <= Int(UInt16.max) else { return }
        if position.offset + recordBytes > segmentBytes {
            guard roll() else { return }
        }
        guard let mapping else { return }
        let record = mapping + position.offset
        let body = record + Self.headerBytes
        body.storeBytes(of: kind, as: UInt8.self)
        body.storeBytes(of: routeKind, toByteOffset: 1, as: UInt8.self)
        body.storeBytes(of: UInt16(device.count).littleEndian, toByteOffset: 2, as: UInt16.self)
        body.storeBytes(of: UInt32(payload.count).littleEndian, toByteOffset: 4, as: UInt32.self)
        body.storeBytes(of: time.timeIntervalSince1970.bitPattern.littleEndian, toByteOffset: 8, as: UInt64.self)
        if let base = device.baseAddress {
            (body + Self.fixedBodyBytes).copyMemory(from: base, byteCount: device.count)
        }
        if let base = payload.baseAddress {
            (body + Self.fixedBodyBytes + device.count).copyMemory(from: base, byteCount: payload.count)
        }
        let checksum = Self.checksum(UnsafeRawBufferPointer(start: body, count: bodyBytes))
        record.storeBytes(of: checksum.littleEndian, toByteOffset: 4, as: UInt32.self)
        // The length last: until it is stored, the record does not exist.
        record.storeBytes(of: UInt32(bodyBytes).littleEndian, as: UInt32.self)
        position.offset += recordBytes
    }

    private func roll() -> Bool {
        if let mapping { retired.append(mapping) }
        mapping = nil
        let next = JournalPosition(segment: position.segment + 1, offset: 0)
        do {
            if let spare, spare.segment == next.segment {
                mapping = spare.address
                self.spare = nil
            } else {
                mapping = try Self.map(segment: next.segment, in: directory, bytes: segmentBytes)
            }
            position = next
            failure = nil
            return true
        } catch {
            failure = error.message
            return false
        }
    }

    static func map(
        segment: UInt64,
        in directory: String,
        bytes: Int
    ) throws(StoreError) -> UnsafeMutableRawPointer {
        let path = path(of: segment, in: directory)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw StoreError(.journal, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let allocated = posix_fallocate(descriptor, 0, off_t(bytes))
        guard allocated == 0 else {
            throw StoreError(
                .journal,
                "cannot allocate \(bytes) bytes for \(path): \(String(cString: strerror(allocated)))"
            )
        }
        guard let address = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
            address != MAP_FAILED
        else {
            throw StoreError(.journal, "cannot map \(path): \(String(cString: strerror(errno)))")
        }
        return address
    }

    // MARK: - Reading

    /// kind, route kind, device length, payload length, receive time.
    static let fixedBodyBytes = 16

    private static func scan(
        directory: String,
        from start: JournalPosition,
        _ segmentBytes: Int,
        _ body: (JournalRecord) -> Void = { _ in }
    ) -> (position: JournalPosition, records: Int) {
        var position = start
        var records = 0
        let existing = Set(segments(in: directory))
        while existing.contains(position.segment) {
            guard let data = FileManager.default.contents(atPath: path(of: position.segment, in: directory)) else {
                break
            }
            let end = data.withUnsafeBytes { bytes in
                readRecords(bytes, from: position.offset) { record in
                    records += 1
                    body(record)
                }
            }
            position.offset = end
            // A segment ends where its writer moved on: continue in the next one if there is one.
            guard existing.contains(position.segment + 1) else { break }
            position = JournalPosition(segment: position.segment + 1, offset: 0)
        }
        return (position, records)
    }

    /// Reads whole records from `offset` and returns the offset after the last one.
    private static func readRecords(
        _ bytes: UnsafeRawBufferPointer,
        from offset: Int,
        _ body: (JournalRecord) -> Void
    ) -> Int {
        var offset = offset
        while offset + headerBytes + fixedBodyBytes <= bytes.count {
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            let checksum = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self))
            let bodyStart = offset + headerBytes
            guard length >= fixedBodyBytes, bodyStart + length <= bytes.count else { break }
            let recordBody = UnsafeRawBufferPointer(rebasing: bytes[bodyStart..<(bodyStart + length)])
            guard self.checksum(recordBody) == checksum, let record = decode(recordBody) else { break }
            body(record)
            offset = bodyStart + padded(length)
        }
        return offset
    }

    private static func decode(_ body: UnsafeRawBufferPointer) -> JournalRecord? {
        let kind = body[0]
        let deviceCount = Int(UInt16(littleEndian: body.loadUnaligned(fromByteOffset: 2, as: UInt16.self)))
        let payloadCount = Int(UInt32(littleEndian: body.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
        let time = Double(bitPattern: UInt64(littleEndian: body.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        guard fixedBodyBytes + deviceCount + payloadCount == body.count else { return nil }
        switch kind {
        case 1:
            guard let route = JournalRouteKind(rawValue: body[1]) else { return nil }
            let device = String(decoding: body[fixedBodyBytes..<(fixedBodyBytes + deviceCount)], as: UTF8.self)
            let payload = Array(body[(fixedBodyBytes + deviceCount)...])
            return .message(kind: route, device: device, payload: payload, receivedAt: time)
        case 2:
            return .tick(now: time)
        default:
            return nil
        }
    }

    // MARK: - Files

    /// The segment numbers in `directory`, oldest first.
    ///
    /// - Parameter directory: the journal's directory.
    /// - Returns: the numbers.
    public static func segments(in directory: String) -> [UInt64] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in
            guard name.hasSuffix(".journal") else { return nil }
            return UInt64(name.dropLast(".journal".count))
        }
        .sorted()
    }

    static func path(of segment: UInt64, in directory: String) -> String {
        let digits = String(segment)
        return "\(directory)/\(String(repeating: "0", count: max(0, 12 - digits.count)))\(digits).journal"
    }

    static func padded(_ count: Int) -> Int { (count + 7) & ~7 }

    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        // Zero is what an unwritten header holds; never use it.
        return hash == 0 ? 1 : hash
    }
}
