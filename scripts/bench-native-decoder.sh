#!/usr/bin/env bash
# Manual sanity check of NativePayloadDecoder throughput (not a test, not run by CI).
# Builds KerbsideCore in release mode inside a throwaway package so it never touches the main .build directory.
# Usage: scripts/bench-native-decoder.sh [iterations]   (default 2000000)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kerbside-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/Sources/Bench"
ln -s "$repo/Sources/KerbsideCore" "$work/Sources/KerbsideCore"
cat > "$work/Package.swift" <<'SWIFT'
// swift-tools-version:6.2
import PackageDescription
let package = Package(
    name: "bench",
    targets: [
        .target(name: "KerbsideCore"),
        .executableTarget(name: "Bench", dependencies: ["KerbsideCore"]),
    ]
)
SWIFT
cat > "$work/Sources/Bench/main.swift" <<'SWIFT'
import Foundation
import KerbsideCore

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2_000_000 : 2_000_000
let parking = Array(
    #"{"occupied": true, "ts": "2026-11-21T18:04:05Z", "seq": 4711, "battery_v": 3.58, "kind": "change"}"#.utf8)
let parkingMillis = Array(#"{"occupied":false,"ts":1763748245000,"seq":4712,"battery_v":3.57}"#.utf8)
let lighting = Array(
    (#"{"level": 60, "power_w": 41.5, "energy_wh": 183422.5, "faults": ["lamp_failure"], "ack": "c-000123", "#
        + #""ts": 1763748245000, "seq": 88}"#).utf8)

func measure(_ name: String, _ payload: [UInt8], _ decode: (UnsafeRawBufferPointer) throws -> UInt64?) rethrows {
    var checksum: UInt64 = 0
    let clock = ContinuousClock()
    let elapsed = try payload.withUnsafeBytes { bytes in
        try clock.measure {
            for _ in 0..<iterations { checksum &+= try decode(bytes) ?? 0 }
        }
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(iterations) / seconds
    print("\(name): \(Int(rate)) decodes/s, \(Int(seconds / Double(iterations) * 1e9)) ns each (checksum \(checksum))")
}

try measure("parking, RFC 3339 ts", parking) { try NativePayloadDecoder.decodeParking($0).seq }
try measure("parking, epoch-ms ts ", parkingMillis) { try NativePayloadDecoder.decodeParking($0).seq }
try measure("lighting, full       ", lighting) { try NativePayloadDecoder.decodeLighting($0).seq }
SWIFT
cd "$work" && swift build -c release --product Bench >/dev/null && "$work/.build/release/Bench" "${1:-2000000}"
