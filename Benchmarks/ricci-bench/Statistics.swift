// Order statistics and growth fits over timing samples.

import Foundation

/// The statistics the benchmark reports: medians (robust to the noise of a shared machine)
/// and the growth exponent of a time against a size.
enum Statistics {
    /// The median of `values`: the middle value, or the mean of the two middle values for an
    /// even count; `nil` for no values.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The least-squares slope of `log y` against `log x`: `y ≈ c·x^slope`, so a slope of 1
    /// is linear growth and 2 quadratic. `nil` with fewer than two distinct `x` or a
    /// non-positive value (no logarithm).
    static func logLogSlope(_ points: [(x: Double, y: Double)]) -> Double? {
        guard points.allSatisfy({ $0.x > 0 && $0.y > 0 }) else { return nil }
        let logs = points.map { (x: log($0.x), y: log($0.y)) }
        let count = Double(logs.count)
        let meanX = logs.reduce(0) { $0 + $1.x } / count
        let meanY = logs.reduce(0) { $0 + $1.y } / count
        let covariance = logs.reduce(0) { $0 + ($1.x - meanX) * ($1.y - meanY) }
        let variance = logs.reduce(0) { $0 + ($1.x - meanX) * ($1.x - meanX) }
        guard variance > 0 else { return nil }
        return covariance / variance
    }
}

extension Duration {
    /// The duration in microseconds.
    var microseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }
}
