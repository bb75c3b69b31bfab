/// Free-space thresholds with hysteresis, in the DATEX II vocabulary.
///
/// "Increasing" and "decreasing" name the direction of occupancy: the sign turns `full` when free spaces fall to
/// `fullIncreasing` or fewer and only leaves `full` when they rise above `fullDecreasing`; likewise for
/// `almostFull`. Requires `fullIncreasing ≤ fullDecreasing < almostFullIncreasing ≤ almostFullDecreasing`.
public struct SignThresholds: Sendable, Equatable {
    public var fullIncreasing: Int
    public var fullDecreasing: Int
    public var almostFullIncreasing: Int
    public var almostFullDecreasing: Int

    public init(fullIncreasing: Int, fullDecreasing: Int, almostFullIncreasing: Int, almostFullDecreasing: Int) {
        self.fullIncreasing = fullIncreasing
        self.fullDecreasing = fullDecreasing
        self.almostFullIncreasing = almostFullIncreasing
        self.almostFullDecreasing = almostFullDecreasing
    }

    /// Why these thresholds cannot work, or `nil` when they are ordered as DATEX II requires.
    public var orderingProblem: String? {
        guard fullIncreasing >= 0 else { return "full_increasing must be at least 0" }
        guard fullIncreasing <= fullDecreasing else { return "full_increasing must be ≤ full_decreasing" }
        guard fullDecreasing < almostFullIncreasing else { return "full_decreasing must be < almost_full_increasing" }
        guard almostFullIncreasing <= almostFullDecreasing else {
            return "almost_full_increasing must be ≤ almost_full_decreasing"
        }
        return nil
    }

    /// Thresholds that suit a sign of `capacity` spaces when the configuration gives none.
    public static func defaults(forCapacity capacity: Int) -> SignThresholds {
        let almostFull = max(2, capacity / 10)
        return SignThresholds(
            fullIncreasing: 0,
            fullDecreasing: 1,
            almostFullIncreasing: almostFull,
            almostFullDecreasing: almostFull + max(1, capacity / 50)
        )
    }
}

/// A variable-message sign: which zones it counts and how it speaks.
public struct SignDefinition: Sendable, Equatable {
    public var id: String
    public var name: String
    public var zones: [String]
    /// `nil` means "derive from capacity" once the inventory is known.
    public var thresholds: SignThresholds?
    /// Below this share of bays reporting fresh data the sign says `unknown` rather than a number it cannot vouch for.
    public var minimumCoverage: Double
    /// What the LED text form shows when the status is `unknown`.
    public var fallbackText: String
    /// What the LED text form shows when the status is `full`.
    public var fullText: String

    public init(
        id: String,
        name: String,
        zones: [String],
        thresholds: SignThresholds? = nil,
        minimumCoverage: Double = 0.8,
        fallbackText: String = "----",
        fullText: String = "FULL"
    ) {
        self.id = id
        self.name = name
        self.zones = zones
        self.thresholds = thresholds
        self.minimumCoverage = minimumCoverage
        self.fallbackText = fallbackText
        self.fullText = fullText
    }
}
