import Foundation

/// The sun's declination and the equation of time at one instant, from the NOAA Solar Calculator's equations
/// (Meeus, "Astronomical Algorithms", low-precision solar coordinates).
///
/// UT stands in for dynamical time, as in the spreadsheet: the ~70 s gap moves the sun by far less than the
/// one-minute accuracy we need.
struct SolarPosition: Sendable, Equatable {
    /// The sun's apparent declination in degrees, north-positive.
    var declination: Double
    /// Apparent minus mean solar time, in minutes.
    var equationOfTime: Double

    /// Evaluates the NOAA equations at an instant.
    ///
    /// - Parameter instant: The moment to evaluate at.
    init(at instant: Date) {
        let julianDay = instant.timeIntervalSince1970 / 86_400 + 2_440_587.5
        let t = (julianDay - 2_451_545) / 36_525

        let meanLongitude = (280.466_46 + t * (36_000.769_83 + t * 0.000_303_2)).truncatingRemainder(dividingBy: 360)
        let meanAnomaly = 357.529_11 + t * (35_999.050_29 - 0.000_153_7 * t)
        let eccentricity = 0.016_708_634 - t * (0.000_042_037 + 0.000_000_126_7 * t)
        let m = radians(meanAnomaly)
        let equationOfCentre =
            sin(m) * (1.914_602 - t * (0.004_817 + 0.000_014 * t))
            + sin(2 * m) * (0.019_993 - 0.000_101 * t)
            + sin(3 * m) * 0.000_289
        let trueLongitude = meanLongitude + equationOfCentre
        let ascendingNode = radians(125.04 - 1_934.136 * t)
        let apparentLongitude = trueLongitude - 0.005_69 - 0.004_78 * sin(ascendingNode)
        let meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.000_59 - t * 0.001_813))) / 60) / 60
        let obliquity = radians(meanObliquity + 0.002_56 * cos(ascendingNode))

        declination = degrees(asin(sin(obliquity) * sin(radians(apparentLongitude))))

        let y = pow(tan(obliquity / 2), 2)
        let l0 = radians(meanLongitude)
        let e = eccentricity
        let equationRadians =
            y * sin(2 * l0) - 2 * e * sin(m) + 4 * e * y * sin(m) * cos(2 * l0)
            - 0.5 * y * y * sin(4 * l0) - 1.25 * e * e * sin(2 * m)
        equationOfTime = 4 * degrees(equationRadians)
    }

    /// The cosine of the sun's zenith angle seen from a latitude at an hour angle.
    ///
    /// - Parameters:
    ///   - hourAngle: Degrees west of the meridian: negative in the morning, positive in the afternoon.
    ///   - latitude: The observer's latitude in degrees, north-positive.
    /// - Returns: 1 with the sun overhead, 0 with its centre on the geometric horizon, negative below it.
    func cosineOfZenith(hourAngle: Double, latitude: Double) -> Double {
        let phi = radians(latitude)
        let delta = radians(declination)
        return sin(phi) * sin(delta) + cos(phi) * cos(delta) * cos(radians(hourAngle))
    }
}

private func radians(_ degrees: Double) -> Double { degrees * .pi / 180 }

private func degrees(_ radians: Double) -> Double { radians * 180 / .pi }
