import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Times a block several times and keeps the median, so one noisy run does not decide a figure.
enum Measure {
    static func median(runs: Int = 5, _ body: () -> Void) -> TimeInterval {
        var times: [TimeInterval] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    /// The resident set size of this process, from /proc.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}

/// One line of the results table.
struct Figure {
    var name: String
    var value: Double
    var unit: String
    var reference: Double?
    var referenceName: String
    var goal: String
    /// `nil` for a figure reported without a goal.
    var passes: Bool?
    /// Decimals of the value and the reference.
    var digits = 1

    var row: String {
        let ratio = reference.map { String(format: "%.2f×", value / max($0, 1e-12)) } ?? "—"
        let format = "%.\(digits)f"
        let referenceText = reference.map { String(format: format, $0) + " \(unit) (\(referenceName))" } ?? "—"
        return "| \(name) | \(String(format: format, value)) \(unit) | \(referenceText) | \(ratio) | \(goal) | "
            + (passes.map { $0 ? "pass" : "FAIL" } ?? "—") + " |"
    }
}

/// Heap allocations of this process, counted by Benchmarks/alloc-counter when `scripts/bench` preloads it.
enum AllocationCounter {
    private typealias Reader = @convention(c) () -> UInt

    private static let reader: Reader? = {
        guard let symbol = dlsym(nil, "kerbside_allocations") else { return nil }
        return unsafeBitCast(symbol, to: Reader.self)
    }()

    /// Whether the counter is preloaded.
    static var isAvailable: Bool { reader != nil }

    /// How many allocations `body` made, or `nil` without the counter.
    static func count(_ body: () -> Void) -> Int? {
        guard let reader else {
            body()
            return nil
        }
        let before = reader()
        body()
        return Int(reader() - before)
    }
}
