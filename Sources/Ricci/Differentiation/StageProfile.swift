// Time spent in each stage of the pipeline, for the benchmark.

/// A stage of the pipeline.
public enum PipelineStage: String, CaseIterable, Sendable {
    case parse, lower, differentiate, contract, lift, simplify, print
}

/// Exclusive time spent in each stage: time in a stage entered from another one counts for
/// the inner stage only (reverse mode lowers, differentiates, contracts and lifts node by
/// node, so stages interleave). One profile belongs to one thread at a time.
public final class StageProfile {
    /// Accumulated time per stage.
    public private(set) var durations: [PipelineStage: Duration] = [:]
    private var stack: [(stage: PipelineStage, start: ContinuousClock.Instant)] = []
    private let clock = ContinuousClock()

    /// An empty profile.
    public init() {}

    /// Forgets every duration.
    public func reset() {
        durations = [:]
        stack = []
    }

    /// Runs `body`, counting its time for `stage` (minus the time of stages it enters).
    /// Re-entering the stage that is running costs nothing extra.
    public func measure<T>(_ stage: PipelineStage, _ body: () throws -> T) rethrows -> T {
        if stack.last?.stage == stage { return try body() }
        let start = clock.now
        if let parent = stack.last { durations[parent.stage, default: .zero] += start - parent.start }
        stack.append((stage, start))
        defer {
            let end = clock.now
            if let own = stack.popLast() { durations[own.stage, default: .zero] += end - own.start }
            if !stack.isEmpty { stack[stack.count - 1].start = end }
        }
        return try body()
    }
}

/// Runs `body` under `profile` when there is one.
func measured<T>(_ profile: StageProfile?, _ stage: PipelineStage, _ body: () throws -> T) rethrows -> T {
    guard let profile else { return try body() }
    return try profile.measure(stage, body)
}
