import Foundation
import Hummingbird
import KerbsideCore

/// `from`, `to` and `step` of a history request, checked: RFC 3339 instants, a known step, a bounded answer.
struct HistoryQuery {
    /// More buckets than this in one answer is refused: ask for a coarser step or a shorter span.
    static let maximumBuckets = 10_000

    let from: Date
    let to: Date
    let step: RollupStep

    /// - Parameters:
    ///   - parameters: the request's query.
    ///   - now: the default `to`; the default `from` is a day earlier.
    /// - Throws: `APIError` (400) for an unknown step, an unreadable instant, an empty span or too many buckets.
    init(_ parameters: Parameters, now: Date) throws {
        step =
            try parameters.get("step").map { text in
                guard let step = RollupStep(rawValue: text) else {
                    throw APIError.badRequest("step must be one of 1m, 15m, 1h, 1d; got \"\(text)\"")
                }
                return step
            } ?? .hour
        to = try Self.instant(parameters, "to") ?? now
        from = try Self.instant(parameters, "from") ?? to.addingTimeInterval(-86_400)
        guard from < to else { throw APIError.badRequest("from must be before to") }
        if let length = step.nominalLength, to.timeIntervalSince(from) / length > Double(Self.maximumBuckets) {
            throw APIError.badRequest(
                "that span holds more than \(Self.maximumBuckets) buckets of \(step.rawValue); use a coarser step"
            )
        }
    }

    static func instant(_ parameters: Parameters, _ name: String) throws -> Date? {
        guard let text = parameters.get(name) else { return nil }
        do {
            return try RFC3339.parse(text)
        } catch {
            throw APIError.badRequest("\(name) must be an RFC 3339 instant such as 2026-11-21T18:00:00Z: \(error)")
        }
    }
}

/// `from` and `to` of a per-night request: the last week by default, at most `maximumNights`.
struct NightsQuery {
    static let maximumNights = 400

    let from: Date
    let to: Date

    /// - Parameters:
    ///   - parameters: the request's query.
    ///   - now: the default `to`; the default `from` is a week earlier.
    /// - Throws: `APIError` (400) for an unreadable instant, an empty span or too many nights.
    init(_ parameters: Parameters, now: Date) throws {
        to = try HistoryQuery.instant(parameters, "to") ?? now
        from = try HistoryQuery.instant(parameters, "from") ?? to.addingTimeInterval(-7 * 86_400)
        guard from < to else { throw APIError.badRequest("from must be before to") }
        if to.timeIntervalSince(from) > Double(Self.maximumNights) * 86_400 {
            throw APIError.badRequest("ask for at most \(Self.maximumNights) nights at once")
        }
    }
}

extension RollupStep {
    /// The usual length of a bucket, a day counting 24 h, for bounding answers.
    var nominalLength: TimeInterval? {
        switch self {
        case .minute: 60
        case .quarterHour: 900
        case .hour: 3600
        case .day: 86_400
        }
    }
}
