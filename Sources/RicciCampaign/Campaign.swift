// A campaign: many seeded problems through the command line, every answer checked, every refusal sorted.

import Foundation
import Ricci

/// What became of one problem.
public enum Outcome: Sendable, Hashable {
    /// Printed, and the oracle agrees.
    case right
    /// Printed, and the oracle finds it wrong: a bug.
    case wrong(String)
    /// Printed, but the oracle found no usable point.
    case inconclusive(String)
    /// Refused as a derivative Ricci does not take (an unsupported construct).
    case unsupported(String)
    /// Refused because its own result failed verification: a bug.
    case refusedForABug(String)
    /// The input was rejected (a usage or input error): the generator's problems are valid,
    /// so a bug of one side or the other.
    case rejected(String)

    /// True for the outcomes that fail a campaign.
    public var isFailure: Bool {
        switch self {
        case .wrong, .refusedForABug, .rejected: return true
        case .right, .inconclusive, .unsupported: return false
        }
    }

    /// A short label for counting.
    public var label: String {
        switch self {
        case .right: return "right"
        case .wrong: return "wrong"
        case .inconclusive: return "inconclusive"
        case .unsupported: return "unsupported"
        case .refusedForABug: return "refused for a bug"
        case .rejected: return "input rejected"
        }
    }
}

/// The result of one problem.
public struct CaseResult: Sendable {
    public let problem: Problem
    public let outcome: Outcome
    /// What `ricci` printed (the plain or index form), for comparing runs.
    public let printed: String
    /// Microseconds of the derivation alone (parse, differentiate, simplify, lift): the
    /// fastest of the repetitions timed.
    public internal(set) var micros: Double
}

/// Runs problems through `ricci` (the command-line tool as a library call, the same path as
/// the executable) and classifies each outcome.
public enum Campaign {
    /// The problem of `seed`, run and classified.
    public static func run(seed: UInt64, depth: Int = 6) -> CaseResult {
        run(ProblemGenerator.problem(seed: seed, depth: depth))
    }

    /// `problem` run and classified.
    public static func run(_ problem: Problem) -> CaseResult {
        let micros = derivationMicros(problem)
        let result = CommandLineTool.run(problem.arguments(format: "json"))
        let message = result.error.split(separator: "\n").first.map(String.init) ?? ""
        switch result.status {
        case 0:
            guard let data = result.output.data(using: .utf8),
                let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else {
                return CaseResult(problem: problem, outcome: .wrong("the output is not JSON"), printed: result.output, micros: micros)
            }
            let printed = (json["plain"] as? String) ?? (json["index"] as? String) ?? ""
            var outcome: Outcome
            switch Oracle.check(problem, answer: json, seed: problem.seed) {
            case .right: outcome = mathMLProblem(json, problem).map { .wrong($0) } ?? .right
            case .wrong(let detail): outcome = .wrong(detail)
            case .inconclusive(let detail): outcome = .inconclusive(detail)
            }
            return CaseResult(problem: problem, outcome: outcome, printed: printed, micros: micros)
        case 3:
            let outcome: Outcome = message.contains("failed verification") ? .refusedForABug(message) : .unsupported(message)
            return CaseResult(problem: problem, outcome: outcome, printed: message, micros: micros)
        default:
            return CaseResult(problem: problem, outcome: .rejected(message), printed: message, micros: micros)
        }
    }

    /// Why the MathML of a right answer (what `ricci serve` renders) is not well formed, or
    /// `nil`: the plain form parsed again and printed as MathML must nest its elements and
    /// escape its text.
    private static func mathMLProblem(_ json: [String: Any], _ problem: Problem) -> String? {
        guard let plain = json["plain"] as? String,
            let declarations = try? Declarations(parsingVariables: problem.variables, functions: problem.functions),
            let parsed = try? CheckedExpression(parsing: plain, declarations: declarations)
        else { return nil }
        return mathMLProblem(in: MathMLPrinter.print(parsed.expression))
    }

    /// Why `mathML` is not well formed, or `nil`: elements must nest (`<mi>…</mi>`, `<mspace/>`)
    /// and text must not hold a bare `<` or `>`.
    public static func mathMLProblem(in mathML: String) -> String? {
        var open: [Substring] = []
        var rest = mathML[...]
        while let start = rest.firstIndex(of: "<") {
            guard !rest[..<start].contains(">"), let end = rest[start...].firstIndex(of: ">") else {
                return "malformed MathML (a bare < or >): \(mathML.prefix(200))"
            }
            let tag = rest[rest.index(after: start)..<end]
            if tag.hasPrefix("/") {
                let name = tag.dropFirst()
                guard open.popLast() == name else { return "malformed MathML (</\(name)> closes nothing open): \(mathML.prefix(200))" }
            } else if !tag.hasSuffix("/") {
                open.append(tag.prefix { $0 != " " })
            }
            rest = rest[rest.index(after: end)...]
        }
        if rest.contains(">") { return "malformed MathML (a bare >): \(mathML.prefix(200))" }
        return open.isEmpty ? nil : "malformed MathML (<\(open.last!)> left open): \(mathML.prefix(200))"
    }

    /// The time of the derivation alone, the fastest of `repetitions`. The minimum, not the
    /// mean or the median: on a shared machine a preemption or the other job only ever adds
    /// time, so the fastest run is the one closest to the cost of the derivation.
    public static func derivationMicros(_ problem: Problem, repetitions: Int = 3) -> Double {
        guard let declarations = try? Declarations(parsingVariables: problem.variables, functions: problem.functions)
        else { return 0 }
        let clock = ContinuousClock()
        var fastest = Double.infinity
        for _ in 0..<max(1, repetitions) {
            let start = clock.now
            if let second = problem.secondVariable {
                _ = try? Ricci.derivative(of: problem.text, withRespectTo: [problem.variable, second], declarations: declarations)
            } else if problem.isHessian {
                _ = try? Ricci.hessian(of: problem.text, withRespectTo: problem.variable, declarations: declarations)
            } else {
                _ = try? Ricci.derivative(of: problem.text, withRespectTo: problem.variable, declarations: declarations)
            }
            let (seconds, attoseconds) = (clock.now - start).components
            fastest = min(fastest, Double(seconds) * 1e6 + Double(attoseconds) / 1e12)
        }
        return fastest
    }
}

/// Counts of a campaign: by outcome, by kind, by construct, the slowest and the smallest
/// failures.
public struct CampaignReport: Sendable {
    public private(set) var results: [CaseResult] = []

    public init() {}

    /// Adds one result.
    public mutating func add(_ result: CaseResult) { results.append(result) }

    /// The failures, smallest expression first.
    public var failures: [CaseResult] {
        results.filter(\.outcome.isFailure).sorted { ($0.problem.operatorCount, $0.problem.seed) < ($1.problem.operatorCount, $1.problem.seed) }
    }

    /// The median derivation time in microseconds.
    public var medianMicros: Double {
        let times = results.map(\.micros).sorted()
        return times.isEmpty ? 0 : times[times.count / 2]
    }

    /// The median derivation time of the problems of one kind (first derivatives, or second
    /// ones: Hessians and mixed second derivatives, which differentiate twice).
    public func medianMicros(hessian: Bool) -> Double {
        let times = results.filter { $0.problem.isHessian == hessian }.map(\.micros).sorted()
        return times.isEmpty ? 0 : times[times.count / 2]
    }

    /// Times the slow outliers again, one at a time with nothing else running, and keeps the
    /// faster time: a case timed while the other job or the system held the processor is
    /// not slow, and a case that is slow stays slow however often it is timed.
    public mutating func retimeSlowOutliers(repetitions: Int = 9) {
        let isSlow = slowness
        for index in results.indices where isSlow(results[index]) {
            let again = Campaign.derivationMicros(results[index].problem, repetitions: repetitions)
            results[index].micros = min(results[index].micros, again)
        }
    }

    /// Cases under 40 operators that took more than 20 times the median of their kind.
    public var slowOutliers: [CaseResult] {
        results.filter(slowness).sorted { $0.micros > $1.micros }
    }

    /// Whether a result is a slow outlier: under 40 operators and more than 20 times the
    /// median of its kind (first or second derivatives), the medians taken now.
    private var slowness: (CaseResult) -> Bool {
        let limits = [false: 20 * medianMicros(hessian: false), true: 20 * medianMicros(hessian: true)]
        return { $0.problem.operatorCount < 40 && $0.micros > limits[$0.problem.isHessian]! }
    }

    /// The report as text: counts, per kind and per construct, the slowest cases and the
    /// smallest failures with the command that reproduces each.
    public func text(showing shown: Int = 5) -> String {
        var lines: [String] = []
        func counts(_ results: [CaseResult]) -> String {
            var byLabel: [String: Int] = [:]
            for result in results { byLabel[result.outcome.label, default: 0] += 1 }
            return byLabel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        lines.append("\(results.count) problems: " + counts(results))
        let kinds: [(String, (CaseResult) -> Bool)] = [
            ("gradient", { !$0.problem.isHessian && $0.problem.text.isEmpty == false && Self.isScalarProblem($0.problem) }),
            ("jacobian", { !$0.problem.isHessian && !Self.isScalarProblem($0.problem) }),
            ("hessian", { $0.problem.isHessian }),
        ]
        for (kind, belongs) in kinds {
            let members = results.filter(belongs)
            if !members.isEmpty { lines.append("  \(kind): \(members.count): " + counts(members)) }
        }
        var constructs: [String: (count: Int, failures: Int)] = [:]
        for result in results {
            for construct in result.problem.constructs {
                constructs[construct, default: (0, 0)].count += 1
                if result.outcome.isFailure { constructs[construct, default: (0, 0)].failures += 1 }
            }
        }
        lines.append("by construct (problems, failures):")
        lines.append(constructs.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)/\($0.value.failures)" }
            .joined(separator: ", "))
        var reasons: [String: Int] = [:]
        for result in results {
            if case .unsupported(let message) = result.outcome { reasons[Self.reason(message), default: 0] += 1 }
        }
        if !reasons.isEmpty {
            lines.append("unsupported, by reason:")
            for (reason, count) in reasons.sorted(by: { $0.value > $1.value }).prefix(8) { lines.append("  \(count)  \(reason)") }
        }
        var unchecked: [String: Int] = [:]
        for result in results {
            if case .inconclusive(let reason) = result.outcome { unchecked[String(reason.prefix(70)), default: 0] += 1 }
        }
        if !unchecked.isEmpty {
            lines.append("inconclusive (no usable test point), by reason:")
            for (reason, count) in unchecked.sorted(by: { $0.value > $1.value }).prefix(6) { lines.append("  \(count)  \(reason)") }
        }
        lines.append(String(format: "derivation time: median %.1f µs (first derivatives %.1f µs, Hessians %.1f µs), slowest %.1f µs",
                            medianMicros, medianMicros(hessian: false), medianMicros(hessian: true),
                            results.map(\.micros).max() ?? 0))
        let outliers = slowOutliers
        if !outliers.isEmpty {
            lines.append("\(outliers.count) cases under 40 operators took more than 20× the median of their kind:")
            for outlier in outliers.prefix(shown) {
                lines.append(String(format: "  %.0f µs, %d operators: ", outlier.micros, outlier.problem.operatorCount)
                    + outlier.problem.command)
            }
        }
        let failures = self.failures
        if !failures.isEmpty {
            lines.append("smallest failures:")
            for failure in failures.prefix(shown) {
                lines.append("  seed \(failure.problem.seed) (\(failure.outcome.label)): \(failure.problem.command)")
                switch failure.outcome {
                case .wrong(let detail), .refusedForABug(let detail), .rejected(let detail):
                    lines.append("    \(detail.prefix(400))")
                    lines.append("    printed: \(failure.printed.prefix(300))")
                case .right, .inconclusive, .unsupported:
                    break
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    /// True when the problem's function is a scalar (a gradient).
    private static func isScalarProblem(_ problem: Problem) -> Bool {
        guard let declarations = try? Declarations(parsingVariables: problem.variables, functions: problem.functions),
            let checked = try? CheckedExpression(parsing: problem.text, declarations: declarations)
        else { return false }
        return checked.shape.isScalar
    }

    /// The reason of an unsupported derivative, without the sub-expression it names.
    private static func reason(_ message: String) -> String {
        let text = message.replacingOccurrences(of: "error: cannot take this derivative because ", with: "")
        if let range = text.range(of: " has the shape ") { return "…" + text[range.lowerBound...].prefix(60) }
        return String(text.prefix(90))
    }
}
