// The scaling benchmark: every size of a family timed, then verified; the growth fitted.

import Ricci

/// One size of a family, measured and checked.
struct FamilyPoint: Sendable {
    var size: Int
    /// `nil` when the library threw (then ``failure`` says why).
    var timing: Timing?
    var result: ResultSize?
    /// Ricci's own verification of the result, run after the timing.
    var verification: Verification?
    /// Why this size failed (an error, or a failed verification), `nil` when it did not.
    var failure: String?
}

/// A family measured over its sizes, with its growth.
struct FamilyResult: Sendable {
    var family: ScalingFamily
    var points: [FamilyPoint]

    /// Sizes from which the growth is fitted: below 4, fixed costs dominate.
    static let smallestFittedSize = 4

    /// The least-squares slope of log time against log size over the sizes ≥ 4: 1 is linear.
    var exponent: Double? { slope { $0.timing?.medianMicros } }
    /// The same slope for the nodes of the written result, and for its distinct nodes.
    var nodesExponent: Double? { slope { $0.result?.nodes.map(Double.init) } }
    var distinctNodesExponent: Double? { slope { $0.result?.distinctNodes.map(Double.init) } }

    /// time(64) / time(8), when both sizes were measured: 8 for linear growth.
    var ratio64To8: Double? {
        guard let large = micros(at: 64), let small = micros(at: 8), small > 0 else { return nil }
        return large / small
    }

    /// The median time at `size`, if measured.
    func micros(at size: Int) -> Double? {
        points.first { $0.size == size }?.timing?.medianMicros
    }

    private func slope(_ value: (FamilyPoint) -> Double?) -> Double? {
        let fitted = points.filter { $0.size >= Self.smallestFittedSize }
        let pairs = fitted.compactMap { point in value(point).map { (x: Double(point.size), y: $0) } }
        guard pairs.count == fitted.count, pairs.count >= 2 else { return nil }
        return Statistics.logLogSlope(pairs)
    }
}

/// Measures families.
enum FamilyBenchmark {
    /// Times every size of `family`, then verifies each result (`Derivative.verify()`).
    static func run(_ family: ScalingFamily, sizes: [Int], policy: TimingPolicy, progress: (String) -> Void)
        -> FamilyResult {
        let points = sizes.map { size -> FamilyPoint in
            progress("\(family.name) \(size)")
            do {
                let (timing, derivative) = try PipelineTimer.measure(family.problem(size), policy: policy)
                let verification = derivative.verify()
                let failure = verification.verdict == .failed ? "verification failed: \(verification.detail)" : nil
                return FamilyPoint(
                    size: size, timing: timing, result: ResultSize(of: derivative), verification: verification,
                    failure: failure)
            } catch {
                return FamilyPoint(size: size, failure: "the derivative failed: \(error)")
            }
        }
        return FamilyResult(family: family, points: points)
    }
}
