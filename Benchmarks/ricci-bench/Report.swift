// The report of a run: readable tables, or one JSON object.

import Foundation
import Ricci

/// Everything a run measured.
struct RunReport {
    /// When the run started, ISO 8601 in UTC.
    var date: String
    /// The corpus files, in the order run.
    var corpusPaths: [String]
    /// The repetition limit.
    var repetitions: Int
    var cases: [CaseResult]
    var families: [FamilyResult]
    /// Peak resident memory after the corpus cases (timing and checks), and after the whole run.
    var corpusPeakMegabytes: Double?
    var peakMegabytes: Double?

    /// The project's performance targets that this run measures (the ratio to SymPy is
    /// measured by `Benchmarks/compare_sympy.py`): microseconds per derivative, time growing
    /// about linearly with the size of the expression, a small resident set.
    static let medianMicrosTarget = 30.0
    static let exponentTarget = 1.2
    static let ratio64To8Target = 12.0
    static let peakMegabytesTarget = 64.0

    /// The median over the corpus cases of their median times.
    var medianMicros: Double? { Statistics.median(cases.compactMap { $0.timing?.medianMicros }) }

    /// The median of each corpus file's cases, in the order run.
    var medianByFile: [(file: String, count: Int, micros: Double?)] {
        corpusPaths.map { path in
            let own = cases.filter { $0.file == path }
            return (path, own.count, Statistics.median(own.compactMap { $0.timing?.medianMicros }))
        }
    }

    /// The median of the cases of each kind over all files: gradient, Jacobian, Hessian
    /// (second derivatives, mixed ones included), higher order (third and beyond).
    var medianByKind: [(kind: String, count: Int, micros: Double?)] {
        func kind(_ corpusCase: CorpusCase) -> String {
            let order = corpusCase.kind == .hessian && corpusCase.variables.count == 1 ? 2 : corpusCase.variables.count
            if order >= 3 { return "higher order" }
            if order == 2 { return "hessian" }
            return corpusCase.kind.rawValue
        }
        return ["gradient", "jacobian", "hessian", "higher order"].map { name in
            let own = cases.filter { kind($0.corpusCase) == name }
            return (name, own.count, Statistics.median(own.compactMap { $0.timing?.medianMicros }))
        }
    }

    /// Corpus cases and family sizes that failed their check.
    var failures: [String] {
        cases.compactMap { result in result.failure.map { "case \(result.corpusCase.id): \($0)" } }
            + families.flatMap { family in
                family.points.compactMap { point in point.failure.map { "family \(family.family.name) size \(point.size): \($0)" } }
            }
    }

    /// The budgets, each with what was measured and whether it was met.
    var targets: [(name: String, limit: Double, measured: Double?, met: Bool?)] {
        func within(_ value: Double?, _ limit: Double) -> Bool? { value.map { $0 <= limit } }
        var rows: [(String, Double, Double?, Bool?)] = [
            ("corpus median micros", Self.medianMicrosTarget, medianMicros, within(medianMicros, Self.medianMicrosTarget)),
            ("corpus peak memory MB", Self.peakMegabytesTarget, corpusPeakMegabytes,
             within(corpusPeakMegabytes, Self.peakMegabytesTarget)),
        ]
        for family in families {
            rows.append(("\(family.family.name) exponent", Self.exponentTarget, family.exponent,
                         within(family.exponent, Self.exponentTarget)))
            rows.append(("\(family.family.name) time(64)/time(8)", Self.ratio64To8Target, family.ratio64To8,
                         within(family.ratio64To8, Self.ratio64To8Target)))
        }
        return rows
    }

    // MARK: - JSON

    /// One JSON object: the summary first (`median_micros`), then every case and family.
    var json: JSONValue {
        .object([
            ("tool", .string("ricci-bench")),
            ("version", .string(Ricci.version)),
            ("date", .string(date)),
            ("build", .string(Self.buildConfiguration)),
            ("processors", .int(ProcessInfo.processInfo.activeProcessorCount)),
            ("corpus", .array(corpusPaths.map { .string($0) })),
            ("repetitions", .int(repetitions)),
            ("median_micros", number(medianMicros)),
            ("median_micros_by_file", .object(medianByFile.map { ($0.file, number($0.micros)) })),
            ("median_micros_by_kind", .object(medianByKind.map { ($0.kind, number($0.micros)) })),
            ("case_count", .int(cases.count)),
            ("failure_count", .int(failures.count)),
            ("peak_memory_mb", number(peakMegabytes)),
            ("corpus_peak_memory_mb", number(corpusPeakMegabytes)),
            ("targets", .array(targets.map { target in
                .object([
                    ("name", .string(target.name)), ("limit", .double(target.limit)),
                    ("measured", number(target.measured)), ("met", target.met.map { .bool($0) } ?? .null),
                ])
            })),
            ("failures", .array(failures.map { .string($0) })),
            ("cases", .array(cases.map(caseJSON))),
            ("families", .array(families.map(familyJSON))),
        ])
    }

    private func caseJSON(_ result: CaseResult) -> JSONValue {
        .object([
            ("id", .string(result.corpusCase.id)),
            ("kind", .string(result.corpusCase.kind.rawValue)),
            ("micros", number(result.timing?.medianMicros)),
            ("micros_profiled", number(result.timing?.profiledMedianMicros)),
            ("repetitions", result.timing.map { .int($0.repetitions) } ?? .null),
            ("stages", stagesJSON(result.timing)),
        ] + sizeMembers(result.size) + [
            ("verified", .string(result.verdict?.rawValue)),
            ("passed", .bool(result.failure == nil)),
            ("error", .string(result.failure)),
        ])
    }

    private func familyJSON(_ result: FamilyResult) -> JSONValue {
        .object([
            ("name", .string(result.family.name)),
            ("expression", .string(result.family.template)),
            ("exponent", number(result.exponent)),
            ("ratio_64_8", number(result.ratio64To8)),
            ("nodes_exponent", number(result.nodesExponent)),
            ("distinct_nodes_exponent", number(result.distinctNodesExponent)),
            ("sizes", .array(result.points.map { point in
                .object([
                    ("size", .int(point.size)),
                    ("micros", number(point.timing?.medianMicros)),
                    ("micros_profiled", number(point.timing?.profiledMedianMicros)),
                    ("repetitions", point.timing.map { .int($0.repetitions) } ?? .null),
                    ("stages", stagesJSON(point.timing)),
                ] + (point.result.map(sizeMembers) ?? []) + [
                    ("verified", .string(point.verification?.verdict.rawValue)),
                    ("error", .string(point.failure)),
                ])
            })),
        ])
    }

    private func stagesJSON(_ timing: Timing?) -> JSONValue {
        guard let timing else { return .null }
        return .object(timing.stageMicros.map { ($0.stage.rawValue, .double(rounded($0.micros))) }
                       + [("other", .double(rounded(timing.unattributedMicros)))])
    }

    private func sizeMembers(_ size: ResultSize) -> [(String, JSONValue)] {
        [
            ("nodes", size.nodes.map { .int($0) } ?? .null),
            ("distinct_nodes", size.distinctNodes.map { .int($0) } ?? .null),
            ("flops", number(size.flops)),
            ("flops_function", number(size.functionFlops)),
            ("flops_ratio", number(size.flopsRatio)),
        ]
    }

    /// A number to two decimals (timings are noisier than that), or `null`.
    private func number(_ value: Double?) -> JSONValue {
        value.map { .double(rounded($0)) } ?? .null
    }

    private func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// `release`, or `debug` for an unoptimised build, whose times mean little.
    static var buildConfiguration: String {
        #if DEBUG
        return "debug"
        #else
        return "release"
        #endif
    }

    // MARK: - Tables

    /// The tables: one row per case, one block per family, the summary and the targets.
    var text: String {
        var lines: [String] = []
        lines.append("ricci-bench \(Ricci.version), \(date), \(Self.buildConfiguration) build, "
                     + "\(ProcessInfo.processInfo.activeProcessorCount) processors")
        lines.append("corpus \(corpusPaths.joined(separator: ", ")): median of at most \(repetitions) repetitions per case, µs")
        lines.append("")
        let idWidth = max(24, (cases.map(\.corpusCase.id.count).max() ?? 0) + 2)
        lines.append(pad("case", idWidth) + pad("kind", 5, left: true) + pad("µs", 10, left: true) + stageHeader
                     + pad("nodes", 7, left: true) + pad("dist", 6, left: true) + pad("flops×", 8, left: true)
                     + "  check")
        for result in cases {
            lines.append(
                pad(result.corpusCase.id, idWidth) + pad(String(result.corpusCase.kind.rawValue.prefix(4)), 5, left: true)
                + pad(format(result.timing?.medianMicros, 1), 10, left: true) + stageColumns(result.timing)
                + pad(result.size.nodes.map(String.init) ?? "-", 7, left: true)
                + pad(result.size.distinctNodes.map(String.init) ?? "-", 6, left: true)
                + pad(format(result.size.flopsRatio, 2), 8, left: true)
                + "  " + (result.failure == nil ? (result.verdict?.rawValue ?? "passed") : "FAILED"))
        }
        for family in families {
            lines.append("")
            lines.append("family \(family.family.name): \(family.family.template)")
            lines.append(pad("size", 6, left: true) + pad("µs", 11, left: true) + stageHeader
                         + pad("nodes", 7, left: true) + pad("dist", 6, left: true) + pad("flops×", 8, left: true)
                         + "  check")
            for point in family.points {
                lines.append(
                    pad(String(point.size), 6, left: true) + pad(format(point.timing?.medianMicros, 1), 11, left: true)
                    + stageColumns(point.timing)
                    + pad(point.result?.nodes.map(String.init) ?? "-", 7, left: true)
                    + pad(point.result?.distinctNodes.map(String.init) ?? "-", 6, left: true)
                    + pad(format(point.result?.flopsRatio, 2), 8, left: true)
                    + "  " + (point.failure == nil ? (point.verification?.verdict.rawValue ?? "-") : "FAILED"))
            }
            lines.append("  growth exponent (sizes ≥ \(FamilyResult.smallestFittedSize)) \(format(family.exponent, 2)), "
                         + "time(64)/time(8) \(format(family.ratio64To8, 1)); "
                         + "nodes exponent \(format(family.nodesExponent, 2)), "
                         + "distinct nodes exponent \(format(family.distinctNodesExponent, 2))")
        }
        lines.append("")
        let timed = cases.filter { $0.timing != nil }.sorted { $0.timing!.medianMicros > $1.timing!.medianMicros }
        lines.append("corpus: \(cases.count) cases, \(cases.filter { $0.failure == nil }.count) passed; "
                     + "median \(format(medianMicros, 1)) µs per derivative")
        for file in medianByFile where corpusPaths.count > 1 {
            lines.append("  \((file.file as NSString).lastPathComponent): \(file.count) cases, median \(format(file.micros, 1)) µs")
        }
        lines.append("  by kind: " + medianByKind.filter { $0.count > 0 }
            .map { "\($0.kind) \(format($0.micros, 1)) µs (\($0.count))" }.joined(separator: ", "))
        if !timed.isEmpty {
            lines.append("slowest: " + timed.prefix(5).map { "\($0.corpusCase.id) \(format($0.timing?.medianMicros, 1)) µs" }
                .joined(separator: ", "))
        }
        lines.append("peak memory: \(format(corpusPeakMegabytes, 1)) MB after the corpus, "
                     + "\(format(peakMegabytes, 1)) MB for the whole run")
        lines.append("")
        lines.append("targets:")
        for target in targets {
            let verdict = target.met.map { $0 ? "met" : "MISSED" } ?? "not measured"
            lines.append("  " + pad(target.name, 34) + pad("≤ " + format(target.limit, 1), 10, left: true)
                         + pad(format(target.measured, 2), 12, left: true) + "  " + verdict)
        }
        for failure in failures { lines.append("FAILED: " + failure) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The headers of the stage columns: the library's stages, then the time in none.
    private var stageHeader: String {
        ["parse", "lower", "diff", "contr", "lift", "simpl", "print", "other"].map { pad($0, 8, left: true) }.joined()
    }

    /// The median µs of each stage and of no stage, under ``stageHeader``.
    private func stageColumns(_ timing: Timing?) -> String {
        guard let timing else { return String(repeating: " ", count: 8 * 8) }
        return (timing.stageMicros.map(\.micros) + [timing.unattributedMicros])
            .map { pad(format($0, 1), 8, left: true) }.joined()
    }

    private func format(_ value: Double?, _ decimals: Int) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.\(decimals)f", value)
    }

    /// `text` padded with spaces to `width` characters (on the left for numbers), or cut to
    /// `width - 1` characters and a space when longer.
    private func pad(_ text: String, _ width: Int, left: Bool = false) -> String {
        if text.count >= width { return left ? " " + text : String(text.prefix(width - 1)) + " " }
        let spaces = String(repeating: " ", count: width - text.count)
        return left ? spaces + text : text + spaces
    }
}
