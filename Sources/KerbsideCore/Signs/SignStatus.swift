/// A sign's status in the DATEX II vocabulary.
public enum SignStatus: String, Sendable, Codable, CaseIterable {
    case spacesAvailable
    case almostFull
    case full
    case unknown
}

extension SignThresholds {
    /// The status after `previous` when `free` spaces are counted: a pure hysteresis step.
    ///
    /// Coming from `unknown` there is no direction yet, so plain thresholds apply.
    public func status(after previous: SignStatus, free: Int) -> SignStatus {
        if free <= fullIncreasing { return .full }
        if previous == .full && free <= fullDecreasing { return .full }
        if free <= almostFullIncreasing { return .almostFull }
        if (previous == .almostFull || previous == .full) && free <= almostFullDecreasing { return .almostFull }
        return .spacesAvailable
    }
}
