import Foundation
import KerbsideCore

/// Encodes a checkpoint as the JSON `JSONDecoder` reads back, with the devices in slices.
///
/// `JSONEncoder` builds a tree of the whole value before it writes a byte: for a million devices that tree took
/// about nine gigabytes at once. The devices are by far the largest part, so they are encoded a slice at a time
/// and spliced into the encoding of everything else.
enum CheckpointEncoding {
    static func encode(_ checkpoint: LiveCheckpoint, sliceSize: Int = 10_000) throws -> Data {
        let encoder = JSONEncoder()
        // Sorted keys, so the empty device lists are found as written below.
        encoder.outputFormatting = .sortedKeys
        var shell = checkpoint
        shell.devices = PersistedDevices(bays: [], lights: [])
        let outline = try encoder.encode(shell)
        let placeholder = Data(#""devices":{"bays":[],"lights":[]}"#.utf8)
        guard let hole = outline.range(of: placeholder) else {
            // Cannot happen with sorted keys; the plain encoding is still correct, only larger at its peak.
            return try JSONEncoder().encode(checkpoint)
        }
        var data = Data(outline[..<hole.lowerBound])
        data.append(contentsOf: #""devices":{"bays":"#.utf8)
        try appendSliced(checkpoint.devices.bays, sliceSize: sliceSize, to: &data, with: encoder)
        data.append(contentsOf: #","lights":"#.utf8)
        try appendSliced(checkpoint.devices.lights, sliceSize: sliceSize, to: &data, with: encoder)
        data.append(contentsOf: "}".utf8)
        data.append(outline[hole.upperBound...])
        return data
    }

    /// Appends `elements` as one JSON array, encoding `sliceSize` of them at a time.
    private static func appendSliced<Element: Encodable>(
        _ elements: [Element],
        sliceSize: Int,
        to data: inout Data,
        with encoder: JSONEncoder
    ) throws {
        data.append(contentsOf: "[".utf8)
        for start in stride(from: 0, to: elements.count, by: sliceSize) {
            let slice = try encoder.encode(Array(elements[start..<min(start + sliceSize, elements.count)]))
            if start > 0 { data.append(contentsOf: ",".utf8) }
            // Without the slice's own brackets.
            data.append(slice[slice.index(after: slice.startIndex)..<slice.index(before: slice.endIndex)])
        }
        data.append(contentsOf: "]".utf8)
    }
}
