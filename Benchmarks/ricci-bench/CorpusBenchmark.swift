// The corpus benchmark: every case of a corpus file timed, then checked.

import Foundation
import Ricci

/// The measurement of one corpus case.
struct CaseResult: Sendable {
    /// The case.
    var corpusCase: CorpusCase
    /// The corpus file it comes from.
    var file: String
    /// The timing, `nil` when the library threw (then ``failure`` says why).
    var timing: Timing?
    /// The size and cost of the result, from the check.
    var size: ResultSize
    /// The verdict of Ricci's own verification in the check, `nil` when there was no result.
    var verdict: Verification.Verdict?
    /// Why the case failed, `nil` when it passed: the library's error while timing, or the
    /// check's (`CorpusRunner.run`: verification and comparison with the case's `expected`).
    var failure: String?
}

/// Loads a corpus and times every case.
enum CorpusBenchmark {
    /// The paths of the corpus fixtures in the package, relative to its root: both public
    /// corpora.
    static let fixtures = ["Tests/RicciTests/Fixtures/public-corpus.json", "Tests/RicciTests/Fixtures/public2-corpus.json"]

    /// The package's public corpus fixtures, each found as ``defaultPath(of:)`` says; `nil`
    /// when one is missing.
    static func defaultCorpusPaths() -> [String]? {
        let paths = fixtures.compactMap(defaultPath(of:))
        return paths.count == fixtures.count ? paths : nil
    }

    /// A fixture of the package: found from this source file's place in the checkout
    /// (`Benchmarks/ricci-bench/` is two levels below the root), else from the working
    /// directory and its parents, for a binary run after the checkout moved.
    static func defaultPath(of fixture: String) -> String? {
        let manager = FileManager.default
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let beside = root.appendingPathComponent(fixture).path
        if manager.fileExists(atPath: beside) { return beside }
        var directory = URL(fileURLWithPath: manager.currentDirectoryPath)
        while true {
            let candidate = directory.appendingPathComponent(fixture).path
            if manager.fileExists(atPath: candidate) { return candidate }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }

    /// The cases of the corpus file at `path`.
    static func load(_ path: String) throws -> [CorpusCase] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BenchmarkError.unreadable("cannot read \(path): \(error.localizedDescription)")
        }
        do {
            return try CorpusCase.cases(fromJSON: data)
        } catch {
            throw BenchmarkError.unreadable("\(path) is not a corpus file: \(error)")
        }
    }

    /// Times every case (the whole pipeline, the derivative's kind as the case says), then
    /// checks it with `CorpusRunner.run`, which differentiates again untimed, verifies the
    /// result and compares it with the case's `expected`. The check comes after the timing
    /// so that its memory and caches do not flatter or burden the timed runs.
    static func run(_ cases: [CorpusCase], file: String, policy: TimingPolicy, progress: (String) -> Void) -> [CaseResult] {
        cases.map { corpusCase in
            progress(corpusCase.id)
            // A Hessian by one variable is the Hessian; any other list of variables is a
            // derivative by each in turn (as `CorpusRunner` takes it).
            let isHessianByOne = corpusCase.kind == .hessian && corpusCase.variables.count == 1
            let request = DerivativeRequest(
                expression: corpusCase.expression, variable: corpusCase.variable,
                declarations: corpusCase.declarations, isHessian: isHessianByOne,
                inTurn: corpusCase.variables.count > 1 ? corpusCase.variables : [])
            var timing: Timing?
            var failure: String?
            do {
                timing = try PipelineTimer.measure(request, policy: policy).0
            } catch {
                failure = "the derivative failed: \(error)"
            }
            let outcome = CorpusRunner.run(corpusCase)
            if failure == nil, let error = outcome.error { failure = error }
            return CaseResult(
                corpusCase: corpusCase, file: file, timing: timing,
                size: ResultSize(
                    nodes: outcome.nodes, matrix: outcome.derivative?.matrix, flops: outcome.flops,
                    functionFlops: outcome.functionFlops),
                verdict: outcome.verification?.verdict, failure: failure)
        }
    }
}
