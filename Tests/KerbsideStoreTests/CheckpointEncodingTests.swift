import Foundation
import KerbsideCore
import KerbsideTesting
import Testing

@testable import KerbsideStore

@Suite("Checkpoint encoding")
struct CheckpointEncodingTests {
    /// Encoded in slices smaller than the city, the checkpoint reads back as the one-piece encoding does.
    @Test func slicedEncodingReadsBackAsTheWholeOne() throws {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        var state = LiveState(inventory: Fixtures.smallCity(), policy: IngestPolicy(), timeZone: .gmt, startedAt: start)
        for (index, sensor) in ["s-c1", "s-c2", "s-c3", "s-g1"].enumerated() {
            let reading = #"{"occupied":\#(index % 2 == 0),"seq":\#(index + 1),"battery_v":3.4}"#
            _ = state.ingest(Array(reading.utf8), route: .parking(sensor: sensor[...]), receivedAt: start)
        }
        _ = state.ingest(
            Array(#"{"level":40,"power_w":22,"seq":3}"#.utf8),
            route: .lighting(controller: "ctl-1"),
            receivedAt: start
        )
        let checkpoint = state.checkpoint(at: start)
        #expect(checkpoint.devices.bays.count == 4)

        let sliced = try CheckpointEncoding.encode(checkpoint, sliceSize: 3)
        let whole = try JSONEncoder().encode(checkpoint)
        let decoder = JSONDecoder()
        let fromSliced = try decoder.decode(LiveCheckpoint.self, from: sliced)
        let fromWhole = try decoder.decode(LiveCheckpoint.self, from: whole)
        let canonical = JSONEncoder()
        canonical.outputFormatting = .sortedKeys
        #expect(try canonical.encode(fromSliced) == canonical.encode(fromWhole))
        #expect(fromSliced.devices == checkpoint.devices)
    }
}
