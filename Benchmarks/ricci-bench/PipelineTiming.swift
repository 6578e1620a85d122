// Timing one derivative request: warm-up, repetitions, medians of the total and of each stage.

import Ricci

/// One derivative as a user asks for it and the benchmark times it: parse the text,
/// differentiate (a gradient or Jacobian, or a Hessian), and print the plain and pretty forms.
struct DerivativeRequest: Sendable {
    /// The function, in the language of `LANGUAGE.md`.
    var expression: String
    /// The variable.
    var variable: String
    /// The declarations of the variables.
    var declarations: Declarations
    /// True for the second derivative (`Ricci.hessian`), false for the first.
    var isHessian: Bool
    /// For a derivative by several variables in turn (a higher order, a mixed derivative),
    /// all of them; empty otherwise.
    var inTurn: [String] = []

    /// Runs the whole pipeline once, recording stage times in `profile` when there is one.
    /// The printed text is dropped: the printers are calls into another module, which the
    /// optimiser cannot remove.
    func run(profile: StageProfile?) throws -> Derivative {
        let derivative = !inTurn.isEmpty
            ? try Ricci.derivative(of: expression, withRespectTo: inTurn, declarations: declarations, profile: profile)
            : isHessian
            ? try Ricci.hessian(of: expression, withRespectTo: variable, declarations: declarations, profile: profile)
            : try Ricci.derivative(of: expression, withRespectTo: variable, declarations: declarations, profile: profile)
        func printBoth() {
            _ = derivative.plain
            _ = derivative.pretty
        }
        if let profile { profile.measure(.print, printBoth) } else { printBoth() }
        return derivative
    }
}

/// The timing of one request.
struct Timing: Sendable {
    /// Timed repetitions (each one run without a profile and one run with it).
    var repetitions: Int
    /// Median time of the whole pipeline without a profile, in microseconds: the figure the
    /// benchmark reports.
    var medianMicros: Double
    /// Median time of the whole pipeline with a profile: the difference to ``medianMicros``
    /// is the profile's own cost (two clock readings per stage change).
    var profiledMedianMicros: Double
    /// Median exclusive time of each stage over the profiled runs, in microseconds, in the
    /// order of ``PipelineStage/allCases``. Medians of parts need not add up to the median of
    /// the whole.
    var stageMicros: [(stage: PipelineStage, micros: Double)]
    /// Median over the profiled runs of the time in no stage: the profiled total minus the
    /// stages' sum (work between stages, such as interning the checked expression).
    var unattributedMicros: Double
}

/// How long and how often to repeat a measurement.
struct TimingPolicy: Sendable {
    /// Untimed runs first, to fill caches and fault in memory.
    var warmUps = 2
    /// The most timed repetitions.
    var maximumRepetitions: Int
    /// The fewest timed repetitions, whatever the budget: a median of five already ignores two
    /// runs slowed by another process.
    var minimumRepetitions = 5
    /// The time after which no new repetition starts once ``minimumRepetitions`` are done, so
    /// that large problems do not make a run take minutes; `nil` for no limit.
    var budget: Duration? = .milliseconds(500)
}

/// Times derivative requests.
enum PipelineTimer {
    /// Warms up, then alternates runs without and with a ``StageProfile`` until the policy
    /// says stop. Alternating spreads any slow period of a shared machine over both kinds of
    /// run. Returns the timing and the derivative of the last run; rethrows the library's
    /// error if the request fails.
    static func measure(_ request: DerivativeRequest, policy: TimingPolicy) throws -> (Timing, Derivative) {
        let clock = ContinuousClock()
        var derivative = try request.run(profile: nil)
        for _ in 1..<max(policy.warmUps, 1) { derivative = try request.run(profile: nil) }
        var totals: [Double] = []
        var profiledTotals: [Double] = []
        var stages: [PipelineStage: [Double]] = [:]
        var unattributed: [Double] = []
        let profile = StageProfile()
        let started = clock.now
        while totals.count < policy.maximumRepetitions
            && (totals.count < policy.minimumRepetitions || policy.budget.map { clock.now - started < $0 } ?? true) {
            let start = clock.now
            derivative = try request.run(profile: nil)
            totals.append((clock.now - start).microseconds)

            profile.reset()
            let profiledStart = clock.now
            _ = try request.run(profile: profile)
            let profiledTotal = (clock.now - profiledStart).microseconds
            profiledTotals.append(profiledTotal)
            var attributed = 0.0
            for stage in PipelineStage.allCases {
                let micros = (profile.durations[stage] ?? .zero).microseconds
                stages[stage, default: []].append(micros)
                attributed += micros
            }
            unattributed.append(max(profiledTotal - attributed, 0))
        }
        let timing = Timing(
            repetitions: totals.count,
            medianMicros: Statistics.median(totals) ?? 0,
            profiledMedianMicros: Statistics.median(profiledTotals) ?? 0,
            stageMicros: PipelineStage.allCases.map { ($0, Statistics.median(stages[$0] ?? []) ?? 0) },
            unattributedMicros: Statistics.median(unattributed) ?? 0)
        return (timing, derivative)
    }
}
