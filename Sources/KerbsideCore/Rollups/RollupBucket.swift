import Foundation

/// A time bucket of integrals and counts for one subject (a zone or a light group), so that a coarser bucket is the
/// exact merge of finer ones whatever the bucketing: UTC-aligned levels, local days or noon-to-noon nights.
public protocol RollupBucket: Sendable {
    /// The zone or light group the bucket is about.
    var subject: String { get }
    var start: Date { get }
    var duration: TimeInterval { get set }

    /// Combines consecutive buckets of one subject into the bucket that spans them.
    ///
    /// - Parameters:
    ///   - parts: finer buckets of the same subject, in any order.
    ///   - start: the coarser bucket's start.
    ///   - duration: the coarser bucket's length; time no part covers counts as unknown.
    /// - Returns: the merged bucket; `nil` without parts.
    static func merging(_ parts: [Self], start: Date, duration: TimeInterval) -> Self?
}

extension RollupBucket {
    public var end: Date { start.addingTimeInterval(duration) }
}

/// Merges finer buckets into the given spans.
///
/// - Parameters:
///   - parts: finer buckets of one subject, in any order.
///   - spans: the coarser buckets wanted, oldest first, not overlapping.
/// - Returns: one merged bucket per span that has parts, oldest first. The newest is cut where its data ends, so it
///   does not read as "unknown until midnight".
public func mergeRollups<Bucket: RollupBucket>(_ parts: [Bucket], into spans: [(start: Date, end: Date)]) -> [Bucket] {
    let sorted = parts.sorted { $0.start < $1.start }
    var result: [Bucket] = []
    var index = sorted.startIndex
    for span in spans {
        while index < sorted.endIndex && sorted[index].start < span.start { index += 1 }
        var members: [Bucket] = []
        while index < sorted.endIndex && sorted[index].start < span.end {
            members.append(sorted[index])
            index += 1
        }
        let covered = members.last.map { min(span.end, $0.end) } ?? span.end
        if let merged = Bucket.merging(members, start: span.start, duration: covered.timeIntervalSince(span.start)) {
            result.append(merged)
        }
    }
    return result
}
